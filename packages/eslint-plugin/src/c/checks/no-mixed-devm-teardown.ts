/**
 * no-mixed-devm-teardown on C: devres that outlives what remove() tears down.
 *
 * (a) Reported at the devm registration in probe() (or at the call of the driver's helper that
 *     makes it): a devm callback (IRQ handler or threaded handler, devm action, work item with
 *     devm_work_autocancel or queued on a devm workqueue) that uses, itself or through the
 *     file's helpers it calls, a place remove() frees, disables, destroys or unregisters,
 *     unless remove() first fences that callback (frees, disables or synchronises the IRQ,
 *     cancels or flushes the work, kills the tasklet, removes the action).
 * (b) Reported at a devm registration in probe() (an IRQ, a subsystem registration, an action)
 *     whose callbacks this file does not define (so (a) cannot look inside), made after a
 *     manual acquisition or registration that remove() tears down: while remove() runs, the
 *     devm-registered object is still live. Each acquisition is reported once, at the LAST
 *     such registration after it (the object that goes live), naming the latest acquisition.
 *     A registration whose callbacks (a) analysed is never reported by (b): one bug, one
 *     report. When the registered object's callbacks are in file-scope initialisers
 *     (`.ops = &foo_ops`), they are looked inside as in (a) for what must be named to be used;
 *     clocks and regulators are used by any register access, so (b) still applies to them.
 * A use of an unregistered object embedded in live memory is handing it (or what it points to)
 * to a function; a release in a callback of another kind is the right order; dead code
 * (`if (0)`) uses nothing.
 * Teardowns of places probe() acquired only with devm calls are no-manual-free-of-devres's
 * double frees, not reported here.
 */
import type { CNode } from "@devbound/eslint-language-c";
import { fileIndex, type FileIndex, type FunctionDef } from "../analysis/tu-index.js";
import {
  TeardownAnalysis,
  placeKey,
  placeWithin,
  callTakingArgument,
  releasedKindAt,
  releaseVerbs,
  rootFrame,
  type Acquisition,
  type Fence,
  type Place,
  type ProbeEvents,
  type Step,
  type Teardown,
} from "../analysis/teardown.js";
import { functionsInArguments, type CallbackRegistration } from "../analysis/callbacks.js";
import { getDrivers } from "../analysis/drivers.js";
import { calleeName, strip } from "../analysis/syntax.js";
import { getUnit } from "../analysis/unit.js";
import { CANCEL, MANAGED_NAME_IN_TEXT, TOLERATES_UNREGISTERED, lookup, releaseApi, type ResourceKind } from "../vocabulary/index.js";

export interface CReport {
  node: CNode;
  messageId: "cCallbackUsesTornDown" | "cDevmAfterManual" | "devresWithRemove";
  data: Record<string, string>;
}

export const cMessages = {
  cCallbackUsesTornDown:
    "The {{callback}}() callback that {{callee}} registers uses `{{resource}}` (line {{useLine}}){{acquired}}, which {{remove}}() {{verb}} with {{release}} at line {{releaseLine}}; devres stops this callback only after remove() returns, so it can run on {{state}} `{{resource}}`.",
  cDevmAfterManual:
    "{{callee}} registers devres after `{{resource}}` was {{acquiredVerb}} with {{acquire}}() at line {{acquireLine}}, which {{remove}}() {{verb}} with {{release}} at line {{releaseLine}}; devres releases it only after remove() returns, so at unbind `{{resource}}` is {{state}} first, the reverse of probe order.",
} as const;

/** "devm_request_irq()" or "foo_setup_irq() (through devm_request_irq())". */
function calleeText(step: Step): string {
  const name = `${step.name ?? "the call"}()`;
  if (step.via.length === 0) return name;
  return `${step.via[0]}() (through ${name})`;
}

function releaseText(t: Teardown): string {
  if (t.step.via.length === 0) return `${t.api}()`;
  return `${t.step.via[0]}() (through ${t.api}())`;
}

/** Whether remove() stops the callbacks of `registration` before teardown `t`. */
function fenced(t: Teardown, fences: Fence[], reg: CallbackRegistration, object: Place | undefined, workqueue: Place | undefined): boolean {
  return fences.some((f) => {
    if (f.step.seq >= t.step.seq) return false;
    const same = (p: Place | undefined): boolean => p === undefined || f.place === undefined || placeKey(p) === placeKey(f.place) || placeWithin(f.place, p) || placeWithin(p, f.place);
    switch (reg.kind) {
      case "irq":
      case "threaded-irq":
        return f.kind === "irq" && same(object);
      case "work":
      case "delayed-work":
        return (f.kind === "work" && same(object)) || (f.kind === "workqueue" && workqueue !== undefined && same(workqueue));
      case "timer":
      case "hrtimer":
      case "tasklet":
        return f.kind === reg.kind && same(object);
      case "action":
        return f.kind === "action" && reg.callbacks.some((cb) => cb.fn.name === f.fnName);
    }
  });
}

/** Teardowns of places probe() acquired only with devm calls are another rule's double frees. */
function tornDownByRemove(t: Teardown, probe: ProbeEvents): boolean {
  const of = probe.acquisitions.filter((a) => placeKey(a.place) === placeKey(t.place) && (a.kinds.length === 0 || a.kinds.includes(t.kind)));
  return !(of.some((a) => a.managed) && !of.some((a) => !a.managed));
}

function lineOf(node: CNode): string {
  return String(node.loc.start.line);
}

/** Both checks need a managed call: a file naming none costs one text scan. */

/**
 * `checkDevresWithRemove` (strict, the soft check): also every other devm registration made
 * in probe() (or the helpers it calls) of a driver that has remove().
 */
export function checkNoMixedDevmTeardown(root: CNode, text: string, { checkDevresWithRemove = false }: { checkDevresWithRemove?: boolean } = {}): CReport[] {
  if (!MANAGED_NAME_IN_TEXT.test(text)) return [];
  const index: FileIndex = fileIndex(root, text);
  const an = new TeardownAnalysis(index);
  const reports: CReport[] = [];
  const reported = new Set<CNode>();
  const src = (n: CNode): string => text.slice(n.range[0], n.range[1]).replace(/\s+/g, " ");
  // Drivers and their roles from drivers.ts; several probe/remove per driver struct are rare
  // (module_platform_driver_probe beside .probe): each pair is checked.
  const pairs: { probe: FunctionDef; remove: FunctionDef; name: string }[] = [];
  for (const driver of getDrivers(getUnit(root))) {
    for (const p of driver.probe) {
      for (const r of driver.remove) {
        const probe = index.functions.get(p.name);
        const remove = index.functions.get(r.name);
        if (probe && remove && !pairs.some((x) => x.probe === probe && x.remove === remove)) pairs.push({ probe, remove, name: driver.name });
      }
    }
  }
  for (const driver of pairs) {
    const probe = an.probeEvents(driver.probe);
    const { teardowns: all, fences } = an.removeTeardowns(driver.remove);
    const teardowns = all.filter((t) => tornDownByRemove(t, probe));
    if (checkDevresWithRemove) softReports(an, probe, driver.name, reported, reports);
    if (teardowns.length === 0) continue;
    const removeName = driver.remove.name;
    const analysed = new Set<CNode>();

    /** The first use, in `fn` and the helpers it calls, of a teardown `usable` accepts. */
    const useIn = (fn: FunctionDef, bindings: (Place | undefined)[], usable: (t: Teardown) => boolean) =>
      an.callbackUse(rootFrame(fn, bindings), (place, node) => {
        const released = releasedKindAt(node);
        return teardowns.find((t) => usable(t) && placeWithin(place, t.place) && usesTornDown(t, place, node, released));
      });
    const reportUse = (step: Step, callback: string, extra: string, use: { expr: CNode; match: Teardown }): void => {
      const t = use.match;
      const v = releaseVerbs(t.kind);
      const acq = lastAcquisition(probe, t, undefined);
      reported.add(step.anchor);
      reports.push({
        node: step.anchor,
        messageId: "cCallbackUsesTornDown",
        data: {
          callback,
          callee: calleeText(step) + extra,
          resource: src(an.rootExpression(t.expr, t.step.frame)),
          useLine: lineOf(use.expr),
          remove: removeName,
          verb: v.verb,
          release: releaseText(t),
          releaseLine: lineOf(t.step.anchor),
          acquired: acq ? `, ${v.acquired} with ${acq.api}() at line ${lineOf(acq.step.anchor)}` : "",
          state: `${/^[aeiou]/.test(v.state) ? "an" : "a"} ${v.state}`,
        },
      });
    };

    // (a) devm callbacks using what remove() tears down
    for (const { registration: reg, step } of probe.callbacks) {
      const object = reg.object ? an.resolve(reg.object, step.frame) : undefined;
      let managed = reg.managed;
      let workqueue: Place | undefined;
      if (!managed && (reg.kind === "work" || reg.kind === "delayed-work") && object) {
        workqueue = an.queuedOnManagedWorkqueue(object, probe);
        managed = workqueue !== undefined;
      }
      if (!managed) continue;
      if (reg.callbacks.length > 0) analysed.add(step.call);
      if (reported.has(step.anchor)) continue;
      for (const cb of reg.callbacks) {
        const arg = cb.argument ? an.resolve(cb.argument, step.frame) : undefined;
        const bound = arg ? { root: arg.root, fields: [...arg.fields, ...cb.objectMember] } : undefined;
        const bindings: (Place | undefined)[] = [];
        bindings[cb.parameter] = bound;
        const use = useIn(cb.fn, bindings, (t) => !fenced(t, fences, reg, object, workqueue));
        if (!use) continue;
        const queue = workqueue ? ` (queued on the devm workqueue \`${src(workqueueExpr(probe, workqueue) ?? reg.call)}\`)` : "";
        reportUse(step, cb.fn.name, queue, use);
        break;
      }
    }

    // (b) a devm registration after a manual acquisition remove() tears down. Each pair
    // (acquisition, teardown) is reported once, at the LAST devm registration after the
    // acquisition that (a) did not analyse (probe() registers the object that goes live, the
    // controller, last), and each registration names the latest such acquisition.
    const atAnchor = new Map<CNode, { step: Step; acq: Acquisition; t: Teardown }>();
    const lastFor = new Map<Acquisition, Map<Teardown, Step>>();
    for (const step of probe.steps) {
      if (analysed.has(step.call) || reported.has(step.anchor) || !an.isManagedRegistration(step)) continue;
      const reg = probe.callbacks.find((c) => c.step === step)?.registration;
      // devm_add_action_or_reset(dev, (void (*)(void *))clk_disable_unprepare, clk): an action
      // that is a kernel release only undoes its own resource, in devres order (not a user).
      if (reg?.kind === "action" && reg.unresolved.length > 0 && reg.unresolved.every(isKernelRelease)) continue;
      // The registered object's callbacks when the driver describes them in file-scope
      // initialisers (`.ops = &foo_ops`): a resource they must name to use (memory, a
      // registered object) is judged by looking inside, as (a) does; a clock or regulator is
      // used by any register access, named or not, so (b) still applies to those.
      const ops = reg ? [] : [...new Set([...functionsInArguments(step.call, index), ...an.memberCallbacks(step)])];
      if (ops.length > 0) {
        let use: { expr: CNode; match: Teardown } | undefined;
        let by: FunctionDef | undefined;
        for (const fn of ops) {
          use = useIn(fn, [], (t) => !usedImplicitly(t.kind));
          if (use) {
            by = fn;
            break;
          }
        }
        if (use && by) {
          reportUse(step, by.name, "", use);
          continue;
        }
      }
      const object = reg?.object ? an.resolve(reg.object, step.frame) : undefined;
      for (const t of teardowns) {
        if (reg && fenced(t, fences, reg, object, undefined)) continue;
        if (ops.length > 0 && !usedImplicitly(t.kind)) continue;
        const acq = lastAcquisition(probe, t, step);
        if (!acq) continue;
        let byT = lastFor.get(acq);
        if (!byT) lastFor.set(acq, (byT = new Map()));
        byT.set(t, step);
      }
    }
    for (const [acq, byT] of lastFor) {
      for (const [t, step] of byT) {
        const prev = atAnchor.get(step.anchor);
        if (!prev || acq.step.seq > prev.acq.step.seq) atAnchor.set(step.anchor, { step, acq, t });
      }
    }
    for (const { step, acq, t } of atAnchor.values()) {
      if (reported.has(step.anchor)) continue;
      const v = releaseVerbs(t.kind);
      reported.add(step.anchor);
      reports.push({
        node: step.anchor,
        messageId: "cDevmAfterManual",
        data: {
          callee: calleeText(step),
          resource: src(an.rootExpression(acq.expr, acq.step.frame)),
          acquiredVerb: v.acquired,
          acquire: acq.api,
          acquireLine: lineOf(acq.step.anchor),
          remove: removeName,
          verb: v.verb,
          release: releaseText(t),
          releaseLine: lineOf(t.step.anchor),
          state: v.state,
        },
      });
    }
  }
  // the soft reports are dropped where a hard one was made at the same call
  const hard = new Set(reports.filter((r) => r.messageId !== "devresWithRemove").map((r) => r.node));
  return reports.filter((r) => r.messageId !== "devresWithRemove" || !hard.has(r.node)).sort((a, b) => a.node.range[0] - b.node.range[0]);
}

/** The soft check: every devm registration of probe() in a driver that has remove(), once per call of probe's body. */
function softReports(an: TeardownAnalysis, probe: ProbeEvents, driver: string, reported: Set<CNode>, reports: CReport[]): void {
  const seen = new Set<CNode>();
  for (const step of probe.steps) {
    if (seen.has(step.anchor) || reported.has(step.anchor)) continue;
    const callback = probe.callbacks.find((c) => c.step === step)?.registration;
    if (!an.isManagedRegistration(step) && !callback?.managed) continue;
    seen.add(step.anchor);
    reports.push({ node: step.anchor, messageId: "devresWithRemove", data: { callee: step.via[0] ?? step.name ?? "the call", driver } });
  }
}

/** An expression naming a kernel release or cancel function (through casts and `&`). */
function isKernelRelease(expr: CNode): boolean {
  let e = strip(expr);
  if (e.type === "pointer_expression" && e.operator === "&") e = strip(e.children[0] ?? e);
  return e.type === "identifier" && e.text !== undefined && (releaseApi(e.text) !== undefined || lookup(CANCEL, e.text) !== undefined);
}

/**
 * Whether a use of place `place` (the expression `node`, `released` when it is the argument of
 * a release of that kind) uses what teardown `t` tore down. A release of another kind is the
 * right order (a devm action's clk_put() of the clock remove() disabled); one of the same kind
 * is a double release, reported here (the action's own data released directly,
 * `regulator_disable(data)`, is no place the walk visits: no-manual-free-of-devres reports it).
 * An unregistered object embedded in memory that is still live (`&priv->adap` after
 * i2c_del_adapter()) is used when it, or what it points to, is handed to a function
 * (`dev_dbg(&priv->adap.dev, ...)`, `generic_handle_domain_irq(p->chip.irq.domain, ...)`), not
 * when a field is read (`priv->adap.timeout`) or its parent device is (`adap.dev.parent`), nor
 * by a call the vocabulary says tolerates an unregistered object (`iio_trigger_poll()`).
 */
function usesTornDown(t: Teardown, place: Place, node: CNode, released: ResourceKind | undefined): boolean {
  if (released !== undefined && released !== t.kind) return false;
  if (releaseVerbs(t.kind).verb === "unregisters") {
    const below = place.fields.slice(t.place.fields.length);
    const call = callTakingArgument(node);
    const callee = call ? calleeName(call) : undefined;
    if (below.includes("parent") || !call || (callee !== undefined && TOLERATES_UNREGISTERED.has(callee))) return false;
    // through a pointer below the object (`bus->adap.quirks->max_write_len`) is another object
    if (dereferencesBelow(node, below.length)) return false;
  }
  return true;
}

/** Whether one of the `depth` outermost member accesses of `node` goes through a pointer (`->`). */
function dereferencesBelow(node: CNode, depth: number): boolean {
  let n: CNode | undefined = node;
  for (let seen = 0; n && seen < depth; ) {
    if (n.type === "field_expression") {
      if (n.operator === "->") return true;
      seen++;
    } else if (n.type !== "subscript_expression" && n.type !== "parenthesized_expression") return false;
    n = n.children.find((c) => c.field === "argument");
  }
  return false;
}

/** Resources any register access of the device needs, whether the code names them or not. */
function usedImplicitly(kind: ResourceKind): boolean {
  return kind.startsWith("clock") || kind.startsWith("regulator");
}

/** The member a devm workqueue was stored in, as probe() wrote it. */
function workqueueExpr(probe: ProbeEvents, queue: Place): CNode | undefined {
  return probe.acquisitions.find((a) => a.managed && placeKey(a.place) === placeKey(queue))?.expr;
}

/** The last manual acquisition in probe() of what `t` tears down (before `before`, when given). */
function lastAcquisition(probe: ProbeEvents, t: Teardown, before: Step | undefined): Acquisition | undefined {
  let last: Acquisition | undefined;
  for (const a of probe.acquisitions) {
    if (a.managed || (before && a.step.seq >= before.seq)) continue;
    if (placeKey(a.place) !== placeKey(t.place)) continue;
    if (a.kinds.length > 0 && !a.kinds.includes(t.kind) && !(t.kind === "memory" && a.kinds.includes("memory"))) continue;
    if (before && a.step.anchor === before.anchor) continue;
    last = a;
  }
  return last;
}

export type { FunctionDef };
