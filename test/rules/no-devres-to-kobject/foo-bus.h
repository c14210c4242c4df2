/* Kernel-style header written for devbound's tests (not kernel code): the layouts of foo-bus. */
#ifndef FOO_BUS_H
#define FOO_BUS_H

#include "foo-bus-port.h"

typedef struct foo_bus {
	struct foo_bus_port port;	/* embedded, laid out in foo-bus-port.h */
	struct cdev *cdev;		/* a pointer: the cdev lives elsewhere */
	struct miscdevice misc;
	void __iomem *regs;
} foo_bus_t;

#endif /* FOO_BUS_H */
