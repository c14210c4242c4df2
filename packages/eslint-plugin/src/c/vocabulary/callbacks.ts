/**
 * vocabulary/callbacks.ts: kernel APIs that register a callback (IRQ handlers and threaded
 * handlers, devm actions, work items, timers, hrtimers, tasklets), what the callback receives,
 * the calls that queue work on a workqueue, and the calls that cancel or fence a callback
 * (stop it and wait for it). Kernel names only; the C analysis (analysis/callbacks.ts,
 * analysis/teardown.ts) reads these tables through vocabulary/index.ts.
 *
 * Invariant: plain data plus lookups; argument and parameter indexes are 0-based positions in
 * the kernel's prototype.
 *
 *   DEFERRED        name -> DeferredApi  { kind, callbacks, object?, data?, managed }
 *   CANCEL          name -> CancelApi    { kind, object }   (free/disable/synchronize/cancel/flush/kill)
 *   WORKQUEUE_DRAIN names that run everything queued on the workqueue (argument 0)
 *   WORK_QUEUEING   name -> { queue?, work }               (queue_work(wq, work), schedule_work(work))
 *   callbackParameter(kind)              which parameter of the callback receives the data/object
 *   isConventionalManagedRegistration(name)  devm_*register*-style names outside ACQUIRE
 *   MANAGED_ALLOCATIONS  managed calls ACQUIRE files under a registration kind that only allocate
 *   TOLERATES_UNREGISTERED  calls that may still be made on an unregistered (not freed) object
 *   RELEASE_CALLBACK_MEMBERS, EMBEDDED_MEMBER_TYPES, INIT_CALL_MACROS  release callbacks, module init
 *   CLASS_DEVICE_CREATORS, PLATFORM_DEVICE_CREATORS, CLASS_DEVICE_MEMBERS  devices a module makes itself
 *   DEBUGFS_FILE_CREATORS  debugfs files whose file operations debugfs_remove() drains
 */

export type DeferredKind = "irq" | "threaded-irq" | "work" | "delayed-work" | "timer" | "hrtimer" | "tasklet" | "action";

export interface DeferredApi {
  readonly kind: DeferredKind;
  /** Argument indexes of the functions that run later (request_threaded_irq: handler and thread_fn). */
  readonly callbacks: readonly number[];
  /** The object the callback is bound to (work item, timer, IRQ number). */
  readonly object?: number;
  /** The argument handed back to the callback (dev_id, action data). */
  readonly data?: number;
  /** The registration is undone by devres at unbind (after remove()). */
  readonly managed: boolean;
}

export interface CancelApi {
  readonly kind: DeferredKind;
  /** The argument that names what is cancelled (the work item, the timer, the IRQ number). */
  readonly object: number;
}

export const DEFERRED: Readonly<Record<string, DeferredApi>> = {
  request_irq: { kind: "irq", callbacks: [1], object: 0, data: 4, managed: false },
  request_threaded_irq: { kind: "threaded-irq", callbacks: [1, 2], object: 0, data: 5, managed: false },
  request_any_context_irq: { kind: "irq", callbacks: [1], object: 0, data: 4, managed: false },
  devm_request_irq: { kind: "irq", callbacks: [2], object: 1, data: 5, managed: true },
  devm_request_threaded_irq: { kind: "threaded-irq", callbacks: [2, 3], object: 1, data: 6, managed: true },
  devm_request_any_context_irq: { kind: "irq", callbacks: [2], object: 1, data: 5, managed: true },
  INIT_WORK: { kind: "work", callbacks: [1], object: 0, managed: false },
  INIT_DELAYED_WORK: { kind: "delayed-work", callbacks: [1], object: 0, managed: false },
  INIT_DEFERRABLE_WORK: { kind: "delayed-work", callbacks: [1], object: 0, managed: false },
  devm_work_autocancel: { kind: "work", callbacks: [2], object: 1, managed: true },
  devm_delayed_work_autocancel: { kind: "delayed-work", callbacks: [2], object: 1, managed: true },
  timer_setup: { kind: "timer", callbacks: [1], object: 0, managed: false },
  hrtimer_setup: { kind: "hrtimer", callbacks: [1], object: 0, managed: false },
  tasklet_init: { kind: "tasklet", callbacks: [1], object: 0, data: 2, managed: false },
  tasklet_setup: { kind: "tasklet", callbacks: [1], object: 0, managed: false },
  devm_add_action: { kind: "action", callbacks: [1], data: 2, managed: true },
  devm_add_action_or_reset: { kind: "action", callbacks: [1], data: 2, managed: true },
};

export const CANCEL: Readonly<Record<string, CancelApi>> = {
  free_irq: { kind: "irq", object: 0 },
  devm_free_irq: { kind: "irq", object: 1 },
  disable_irq: { kind: "irq", object: 0 },
  disable_irq_nosync: { kind: "irq", object: 0 },
  synchronize_irq: { kind: "irq", object: 0 },
  cancel_work_sync: { kind: "work", object: 0 },
  cancel_work: { kind: "work", object: 0 },
  flush_work: { kind: "work", object: 0 },
  disable_work_sync: { kind: "work", object: 0 },
  cancel_delayed_work_sync: { kind: "delayed-work", object: 0 },
  cancel_delayed_work: { kind: "delayed-work", object: 0 },
  flush_delayed_work: { kind: "delayed-work", object: 0 },
  disable_delayed_work_sync: { kind: "delayed-work", object: 0 },
  del_timer_sync: { kind: "timer", object: 0 },
  del_timer: { kind: "timer", object: 0 },
  timer_delete_sync: { kind: "timer", object: 0 },
  timer_delete: { kind: "timer", object: 0 },
  timer_shutdown_sync: { kind: "timer", object: 0 },
  hrtimer_cancel: { kind: "hrtimer", object: 0 },
  tasklet_kill: { kind: "tasklet", object: 0 },
  tasklet_disable: { kind: "tasklet", object: 0 },
};

/** Workqueue flushes: everything queued on the workqueue (argument 0) has run. */
export const WORKQUEUE_DRAIN: ReadonlySet<string> = new Set(["destroy_workqueue", "flush_workqueue", "drain_workqueue"]);

export interface CallbackParameter {
  /** The callback parameter that receives the registration's `data` argument, or its object. */
  parameter: number;
  /** When it receives the object: the member of the registered object it points at (a delayed
   * work's function gets `&dwork->work`). */
  objectMember: readonly string[];
}

/** irqreturn_t handler(int irq, void *dev_id); void action(void *data); void fn(struct work_struct *work); ... */
const CALLBACK_PARAMETER: Readonly<Record<DeferredKind, CallbackParameter>> = {
  irq: { parameter: 1, objectMember: [] },
  "threaded-irq": { parameter: 1, objectMember: [] },
  action: { parameter: 0, objectMember: [] },
  tasklet: { parameter: 0, objectMember: [] },
  work: { parameter: 0, objectMember: [] },
  "delayed-work": { parameter: 0, objectMember: ["work"] },
  timer: { parameter: 0, objectMember: [] },
  hrtimer: { parameter: 0, objectMember: [] },
};

export function callbackParameter(kind: DeferredKind): CallbackParameter {
  return CALLBACK_PARAMETER[kind];
}

export interface WorkQueueingApi {
  /** The workqueue argument (absent: a system workqueue, never devres-managed). */
  readonly queue?: number;
  readonly work: number;
}

/** Calls that queue a work item (the work function then runs on that workqueue). */
export const WORK_QUEUEING: Readonly<Record<string, WorkQueueingApi>> = {
  queue_work: { queue: 0, work: 1 },
  queue_work_on: { queue: 1, work: 2 },
  queue_delayed_work: { queue: 0, work: 1 },
  queue_delayed_work_on: { queue: 1, work: 2 },
  mod_delayed_work: { queue: 0, work: 1 },
  mod_delayed_work_on: { queue: 1, work: 2 },
  schedule_work: { work: 0 },
  schedule_delayed_work: { work: 0 },
};

/**
 * A managed call outside ACQUIRE whose name says it registers something with a subsystem
 * (devm_snd_soc_register_component, devm_mfd_add_devices, devm_of_platform_populate, ...): the
 * object it registers stays live, and may call back into the driver, until devres releases it
 * after remove(). Not `devm_*_add_*` in general: most add data (an OPP table, sysfs groups).
 */
export function isConventionalManagedRegistration(name: string): boolean {
  return /^(devm|pcim)_\w*(register|populate|add_devices)/.test(name);
}

/**
 * Managed calls that ACQUIRE files under a registration kind (so a manual release of their
 * result is a double free) but that only allocate: the object is registered (and can call
 * into the driver) only by a later call.
 */
export const MANAGED_ALLOCATIONS: ReadonlySet<string> = new Set(["devm_rtc_allocate_device"]);

/**
 * Calls a callback may still make on an object its driver unregistered but has not freed:
 * polling an unregistered iio trigger (allocated with devm_iio_trigger_alloc(), freed by devres
 * after the IRQ) reaches no consumer and touches nothing torn down.
 */
export const TOLERATES_UNREGISTERED: ReadonlySet<string> = new Set(["iio_trigger_poll", "iio_trigger_poll_chained", "iio_trigger_poll_nested"]);

export type ReleaseCallbackRole = "kobject" | "device" | "file";

/**
 * Struct members holding a release callback that runs when the last reference goes, which can
 * be long after the driver unbound: struct tag -> member -> role (`kobj_type.release`,
 * `device.release`, `device_type.release`, `class.dev_release`, `file_operations.release`).
 */
export const RELEASE_CALLBACK_MEMBERS: Readonly<Record<string, Readonly<Record<string, ReleaseCallbackRole>>>> = {
  kobj_type: { release: "kobject" },
  device: { release: "device" },
  device_type: { release: "device" },
  class: { dev_release: "device" },
  file_operations: { release: "file" },
};

/**
 * The struct type of kernel members whose container's layout a driver file does not show
 * (`pdev->dev`, `client->dev`, `func->dev`: the bus device embeds a `struct device dev`).
 */
export const EMBEDDED_MEMBER_TYPES: Readonly<Record<string, string>> = {
  dev: "device",
  kobj: "kobject",
  ktype: "kobj_type",
  fops: "file_operations",
};

/** The structs whose members user space calls through an open file (`fops.read`, `proc_ops.proc_write`). */
export const FILE_OPERATION_STRUCTS: ReadonlySet<string> = new Set(["file_operations", "proc_ops"]);

/**
 * Macros naming a module's init function or an initcall (`module_init(foo_init)`): it runs
 * when the module loads, before (or without) any driver binding a device.
 */
export const INIT_CALL_MACROS: ReadonlySet<string> = new Set([
  "module_init",
  "early_initcall",
  "core_initcall",
  "postcore_initcall",
  "arch_initcall",
  "subsys_initcall",
  "fs_initcall",
  "rootfs_initcall",
  "device_initcall",
  "late_initcall",
  "late_initcall_sync",
]);

/**
 * Calls that create a device no driver ever binds (a class device, a root device; they return
 * the `struct device *`): devres on it lasts until the device is released (device_release()
 * runs devres_release_all()), not until an unbind.
 */
export const CLASS_DEVICE_CREATORS: ReadonlySet<string> = new Set(["device_create", "device_create_with_groups", "root_device_register"]);

/**
 * Calls that create a platform device (they return the `struct platform_device *`): a driver of
 * the same name binds it, if one is registered; a module that registers none uses it as a
 * driverless device, whose devres lasts until platform_device_unregister() releases it.
 */
export const PLATFORM_DEVICE_CREATORS: ReadonlySet<string> = new Set([
  "platform_device_register_simple",
  "platform_device_alloc",
  "platform_device_register_full",
  "platform_device_register_data",
  "platform_device_register_resndata",
  "platform_device_register_ndata",
  "platform_create_bundle",
]);

/** Members holding a class device its struct registers (`struct miscdevice.this_device`, made by misc_register()). */
export const CLASS_DEVICE_MEMBERS: ReadonlySet<string> = new Set(["this_device"]);

/**
 * Calls creating a debugfs file with the given file_operations (argument index): debugfs wraps
 * them in its proxy, and debugfs_remove() waits for the calls in flight and refuses new ones,
 * so they cannot run after the driver removed its debugfs files (not `_unsafe`: those fops
 * protect themselves, or not).
 */
export const DEBUGFS_FILE_CREATORS: Readonly<Record<string, number>> = {
  debugfs_create_file: 4,
  debugfs_create_file_size: 4,
};
