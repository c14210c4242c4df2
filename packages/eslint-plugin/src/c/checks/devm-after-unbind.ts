/**
 * devm-after-unbind, the C check: a devm call (an acquisition, an action, a registration; not a
 * devres release such as devm_kfree) made where the device may not be bound:
 *   - in a work function, timer, hrtimer or tasklet callback registered by hand (INIT_WORK,
 *     timer_setup, tasklet_setup, ...), unless remove() (or a devm action) cancels that kind of
 *     callback first (cancel_work_sync, del_timer_sync, tasklet_kill, ...; destroy_workqueue and
 *     the other drains only for a work the file queues on a workqueue, not only with schedule_work);
 *   - in a manual IRQ handler (request_irq, request_threaded_irq) that remove() does not free
 *     first (free_irq);
 *   - in a file operation (`file_operations.open/read/write/unlocked_ioctl/...`): user space
 *     calls it whenever it holds the file, also after unbind;
 *   - in the module init (`module_init(foo_init)`, an initcall): no driver is bound yet, and
 *     devres on a device without a driver makes the driver core refuse to probe it.
 * Not on a device no driver binds (unbound-devices.ts: a miscdevice's this_device, a
 * device_create() device, a platform device the file creates and binds no driver to): its devres
 * is released with the device, not at an unbind. Not in the file operations of a debugfs file
 * (debugfs_remove() drains them). Teardown is remove() and what it reaches; a file that shows no
 * remove() is judged by all its functions (its deinit is called from another file's remove()).
 * Also when the call is in the file's helpers such an entry calls (reported in the helper,
 * naming the entry and the chain), unless the entry's chain hands the helper NULL for the
 * parameter the devm call takes its device from (a helper shared with probe, whose devm branch
 * runs only with a device: `foo_handle_resources(addr, CHECK, NULL)` from init). Not reported: probe, remove, shutdown, the PM callbacks,
 * devm-registered callbacks (devm_request_irq handlers, devm actions, devm_work_autocancel: their
 * device is bound while they run), subsystem callbacks installed in other ops structs (the
 * subsystem runs them while registered, and devres unregisters them at unbind), and release
 * callbacks: a devm call there is no-devres-in-release's (one bug, one report).
 *
 * Invariant: never throws; a file that names no managed API costs one text scan; the entries
 * are labelled by one breadth-first walk over call edges (each function labelled once), so the
 * check is linear in the file.
 */
import type { TSESLint } from "@typescript-eslint/utils";
import type { CNode } from "@devbound/eslint-language-c";
import { CANCEL, FILE_OPERATION_STRUCTS, INIT_CALL_MACROS, MANAGED_NAME_IN_TEXT, WORKQUEUE_DRAIN, acquireApi, devresKind, isManagedName, lookup, releaseApi, type DeferredKind } from "../vocabulary/index.js";
import { argumentsOf, child, inError, isNullValue, strip, stripParens } from "../analysis/syntax.js";
import { getUnit, type CFunction, type Unit } from "../analysis/unit.js";
import { fileIndex, type FileIndex } from "../analysis/tu-index.js";
import { callbackRegistration, queueings } from "../analysis/callbacks.js";
import { driversReaching, getDrivers, ownerText, reachedFrom } from "../analysis/drivers.js";
import { debugfsOnlyFops, installedCallbacks, releaseCallbacks } from "../analysis/release-callbacks.js";
import { neverBound } from "../analysis/unbound-devices.js";

type MessageIds = "deferred" | "afterRelease" | "beforeBind";
type Context = Readonly<TSESLint.RuleContext<MessageIds, readonly unknown[]>>;


/** Cancels count per family: a delayed work is cancelled by the work calls too. */
const FAMILY: Record<DeferredKind, string> = {
  irq: "irq",
  "threaded-irq": "irq",
  work: "work",
  "delayed-work": "work",
  timer: "timer",
  hrtimer: "hrtimer",
  tasklet: "tasklet",
  action: "action",
};

/** stoppedAtTeardown's mark for a destroyed/flushed workqueue: it stops only the work queued on one. */
const DRAINED = "work-drained";

/** The member a work object names (`&priv->poll` -> "poll"), to match its INIT_WORK with its queueings. */
function memberOf(expr: CNode | undefined): string | undefined {
  let e = expr ? strip(expr) : undefined;
  if (e?.type === "pointer_expression") e = child(e, "argument");
  e = e ? strip(e) : undefined;
  return e?.type === "field_expression" ? child(e, "field")?.text : e?.type === "identifier" ? e.text : undefined;
}

/**
 * A workqueue drain in teardown stops this work unless every queueing of it the file shows goes to
 * a system workqueue (schedule_work: destroy_workqueue(priv->wq) does not wait for it).
 */
function drainStops(index: FileIndex, object: CNode | undefined): boolean {
  const member = memberOf(object);
  const mine = member ? queueings(index).filter((q) => memberOf(q.work) === member) : [];
  return mine.length === 0 || mine.some((q) => q.queue !== undefined);
}


interface Entry {
  fn: CFunction;
  /** "foo_work(), a work function (INIT_WORK)" */
  where: string;
  messageId: MessageIds;
}

function describe(kind: DeferredKind, fn: string, api: string): string {
  switch (kind) {
    case "irq":
    case "threaded-irq":
      return `${fn}(), an IRQ handler requested with ${api}() that remove() does not free`;
    case "work":
    case "delayed-work":
      return `${fn}(), a work function (${api}) that remove() does not cancel`;
    case "timer":
      return `${fn}(), a timer callback (${api}) that remove() does not cancel`;
    case "hrtimer":
      return `${fn}(), an hrtimer callback (${api}) that remove() does not cancel`;
    case "tasklet":
      return `${fn}(), a tasklet (${api}) that remove() does not kill`;
    default:
      return `${fn}(), a callback (${api})`;
  }
}

/**
 * The callback families the driver's teardown (remove and what it reaches, devm action callbacks)
 * stops. A file that shows no remove() (the bus glue in another file calls this file's deinit,
 * or the driver has none) is judged by every function of the file: its teardown is one of them.
 */
function stoppedAtTeardown(unit: Unit, actions: readonly CFunction[]): Set<string> {
  const removes = getDrivers(unit).flatMap((d) => d.remove);
  const teardown = removes.length > 0 ? reachedFrom(unit, [...removes, ...actions]) : new Set(unit.functions.values());
  const out = new Set<string>();
  for (const f of teardown) {
    for (const call of f.calls) {
      const name = unit.isKernelCall(call);
      if (!name) continue;
      if (WORKQUEUE_DRAIN.has(name)) out.add(DRAINED);
      const cancel = lookup(CANCEL, name);
      if (!cancel) continue;
      // Only freeing the IRQ stops a handler for good (disable_irq is undone by enable_irq).
      if (FAMILY[cancel.kind] === "irq" && releaseApi(name)?.kind !== "irq") continue;
      out.add(FAMILY[cancel.kind]);
    }
  }
  return out;
}

function entries(unit: Unit, text: string): Entry[] {
  const index = fileIndex(unit.root, text);
  const out: Entry[] = [];
  const registrations = [];
  const actions: CFunction[] = [];
  for (const call of unit.calls) {
    if (inError(call)) continue;
    const reg = callbackRegistration(call, index);
    if (!reg) continue;
    if (reg.managed) actions.push(...reg.callbacks.map((c) => c.fn.fn));
    else registrations.push(reg);
  }
  const stopped = registrations.length > 0 ? stoppedAtTeardown(unit, actions) : new Set<string>();
  for (const reg of registrations) {
    const family = FAMILY[reg.kind];
    if (stopped.has(family) || (family === "work" && stopped.has(DRAINED) && drainStops(index, reg.object))) continue;
    for (const cb of reg.callbacks) out.push({ fn: cb.fn.fn, where: describe(reg.kind, cb.fn.name, reg.api), messageId: "deferred" });
  }
  const debugfs = debugfsOnlyFops(unit);
  for (const ic of installedCallbacks(unit)) {
    if (!FILE_OPERATION_STRUCTS.has(ic.container) || /release$/.test(ic.field) || ic.field === "owner") continue;
    // debugfs file operations: debugfs_remove() (in the driver's teardown) drains them
    if (ic.base?.text && debugfs.has(ic.base.text)) continue;
    out.push({ fn: ic.fn, where: `${ic.fn.name}(), a file operation (${ic.container}.${ic.field})`, messageId: "afterRelease" });
  }
  for (const call of unit.calls) {
    const name = child(call, "function")?.text;
    if (!name || !INIT_CALL_MACROS.has(name) || unit.isKernelCall(call) !== name) continue;
    const arg = argumentsOf(call)[0];
    const id = arg ? strip(arg) : undefined;
    const b = id?.type === "identifier" ? unit.resolve(id) : undefined;
    if (b?.kind === "function") out.push({ fn: b.fn, where: `${b.fn.name}(), the module init (${name})`, messageId: "beforeBind" });
  }
  return out;
}

export function checkDevmAfterUnbind(context: Context): TSESLint.RuleListener {
  const text = context.sourceCode.text;
  if (!MANAGED_NAME_IN_TEXT.test(text)) return {};
  return {
    "translation_unit:exit"(root: unknown) {
      const unit = getUnit(root as CNode);
      const found = entries(unit, text);
      if (found.length === 0) return;
      // Release callbacks are no-devres-in-release's: not entered.
      const release = new Set(releaseCallbacks(unit).map((r) => r.fn));
      // One breadth-first walk over call edges: each function gets the first entry reaching it.
      const label = new Map<CFunction, { entry: Entry; parent: CFunction | undefined }>();
      for (const entry of found) {
        if (release.has(entry.fn) || label.has(entry.fn)) continue;
        label.set(entry.fn, { entry, parent: undefined });
        const queue = [entry.fn];
        for (let i = 0; i < queue.length; i++) {
          for (const call of queue[i]!.calls) {
            const callee = child(call, "function");
            if (!callee || stripParens(callee).type !== "identifier") continue;
            const b = unit.resolve(stripParens(callee));
            if (b.kind !== "function" || release.has(b.fn) || label.has(b.fn)) continue;
            label.set(b.fn, { entry, parent: queue[i] });
            queue.push(b.fn);
          }
        }
      }
      /** The entry's chain hands `fn` NULL for the parameter the devm call takes its device from: that path never makes it. */
      const nullDevice = (fn: CFunction, parent: CFunction | undefined, devArg: CNode | undefined): boolean => {
        const d = devArg ? strip(devArg) : undefined;
        if (!parent || d?.type !== "identifier") return false;
        const b = unit.resolve(d);
        if (b.kind !== "param" || b.variable.fn !== fn || b.variable.index === undefined) return false;
        const calls = parent.calls.filter((c) => {
          const f = child(c, "function");
          return f && stripParens(f).type === "identifier" && stripParens(f).text === fn.name;
        });
        return calls.length > 0 && calls.every((c) => {
          const a = argumentsOf(c)[b.variable.index!];
          return a !== undefined && isNullValue(a);
        });
      };
      for (const [fn, { entry, parent }] of label) {
        let chain: string[] | undefined;
        let owner: string | undefined;
        for (const call of fn.calls) {
          if (call.hasError || inError(call)) continue;
          const name = unit.isKernelCall(call);
          if (!name || !isManagedName(name) || devresKind(name) === "release") continue;
          if (!chain) {
            chain = [];
            for (let f: CFunction | undefined = fn; f && f !== entry.fn; f = label.get(f)?.parent) chain.unshift(`${f.name}()`);
            owner = ownerText(driversReaching(unit, entry.fn)[0]);
          }
          const devArg = argumentsOf(call)[acquireApi(name)?.device ?? 0];
          if (nullDevice(fn, parent, devArg) || neverBound(unit, devArg)) continue;
          const dev = devArg ? text.slice(devArg.range[0], devArg.range[1]).replace(/\s+/g, " ") : "?";
          const between = chain.slice(0, -1);
          const where = chain.length === 0 ? entry.where : `${fn.name}(), called ${between.length > 0 ? `through ${between.join(" → ")} ` : ""}from ${entry.where}`;
          context.report({ loc: call.loc, messageId: entry.messageId, data: { api: name, dev, where, owner: owner! } });
        }
      }
    },
  };
}
