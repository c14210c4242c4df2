/* Kernel-style header written for devbound's tests (not kernel code). */
#ifndef FOO_BUS_PORT_H
#define FOO_BUS_PORT_H

struct foo_bus_port {
	struct device dev;
	int index;
};

#endif /* FOO_BUS_PORT_H */
