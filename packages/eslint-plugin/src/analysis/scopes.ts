/**
 * scopes.ts: bound scopes vs code that may run after unbind.
 *
 * Invariant: a `Device<Bound>`/`Device<Core>` parameter is proof of boundness inside the function
 * that declares it and inside callbacks known to run before that function returns (sync
 * callbacks) or while the device stays bound (bound callbacks). The proof does NOT extend into
 * a function that may run after unbind: deferred callbacks, stored callbacks, kobject release
 * callbacks, file operations (deferral.ts classifies them), nor to module top level or class
 * fields read later (values.ts reports those as stored origins of a device).
 *
 * Probe and remove are bound scopes by construction (the driver core serialises them and
 * devres is released only after remove() returns); a synchronous helper taking a
 * `Device<Bound>` is a bound scope by its signature (its caller must hold the proof).
 *
 * API
 *   afterUnbindBoundary(an, use, binder?)  the innermost function between `use` and `binder` (the
 *                                          function declaring the value; exclusive) that may run
 *                                          after unbind: { fn, cls } or undefined
 *   boundDevicesInScope(an, node)          Device<Bound>/<Core> parameters valid at `node`, innermost
 *                                          first; crosses only sync/bound callbacks, stops at anything
 *                                          deferred or unknown (conservative: for smells)
 *   enclosingReleaseCallback(an, node)     the kobject release callback or file release() `node` runs
 *                                          in (the territory of no-devres-in-release, debug check 4)
 *   boundDeviceFor(an, node, resource)     the bound device in scope at `node` that proves the device
 *                                          owning `resource` (a Devres) is bound: its registering
 *                                          device, or a device of the same driver (one device per
 *                                          driver instance: probe's, remove's, a bound callback's);
 *                                          owner not visible -> the only bound device in scope
 */
import { ts } from "../util/typescript.js";
import type { Analysis } from "./services.js";
import { deviceContextOf, isBoundContext, type DeviceContextName } from "./brands.js";
import { enclosingFunction, type FunctionNode } from "./ast.js";
import { typeOf } from "./call-sites.js";
import { classifyCallback, isAfterAwait, isSyncOrBound, mayRunAfterUnbind, type CallbackClass } from "./deferral.js";
import { driverRoleOf, enclosingDriver } from "./drivers.js";
import { registeringDevice } from "./values.js";

export interface UnbindBoundary {
  fn: FunctionNode;
  cls: CallbackClass;
}

export function afterUnbindBoundary(an: Analysis, use: ts.Node, binder?: ts.Node): UnbindBoundary | undefined {
  let inner: ts.Node = use;
  for (let fn = enclosingFunction(use); fn && fn !== binder; inner = fn, fn = enclosingFunction(fn)) {
    const role = driverRoleOf(an, fn);
    if (role && role.role !== "method") continue; // probe/remove: bound by construction
    const cls = classifyCallback(an, fn);
    if (!mayRunAfterUnbind(cls.kind)) continue;
    if (cls.afterAwaitOnly && !isAfterAwait(fn, inner)) continue; // before its first await: still the caller's turn
    return { fn, cls };
  }
  return undefined;
}

export interface BoundDevice {
  /** The parameter's name (what a suggestion writes: `access(dev)`). */
  name: string;
  symbol: ts.Symbol;
  decl: ts.ParameterDeclaration | ts.BindingElement;
  fn: FunctionNode;
  context: DeviceContextName;
}

function collectParams(an: Analysis, fn: FunctionNode, out: BoundDevice[]): void {
  const visitName = (name: ts.BindingName, decl: ts.ParameterDeclaration | ts.BindingElement): void => {
    if (ts.isIdentifier(name)) {
      const ctx = deviceContextOf(an.checker, typeOf(an.checker, name));
      const symbol = an.checker.getSymbolAtLocation(name);
      if (symbol && ctx && isBoundContext(ctx)) out.push({ name: name.text, symbol, decl, fn, context: ctx });
      return;
    }
    for (const el of name.elements) if (ts.isBindingElement(el)) visitName(el.name, el);
  };
  for (const p of fn.parameters) visitName(p.name, p);
}

export function boundDevicesInScope(an: Analysis, node: ts.Node): BoundDevice[] {
  const out: BoundDevice[] = [];
  for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) {
    collectParams(an, fn, out);
    const role = driverRoleOf(an, fn);
    if (role) break; // a driver callback/method: nothing outside it is in scope at run time
    const cls = classifyCallback(an, fn);
    if (cls.afterAwaitOnly && !isAfterAwait(fn, node)) continue;
    if (!isSyncOrBound(cls.kind)) break;
  }
  return out;
}

/** The kobject release callback or file `release()` that `node` runs inside, if any. */
export function enclosingReleaseCallback(an: Analysis, node: ts.Node): UnbindBoundary | undefined {
  for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) {
    if (driverRoleOf(an, fn)) return undefined;
    const cls = classifyCallback(an, fn);
    if (cls.kind === "kobject-release" || (cls.kind === "file-operation" && cls.fileOps?.length === 1 && cls.fileOps[0] === "release")) {
      return { fn, cls };
    }
  }
  return undefined;
}

export function boundDeviceFor(an: Analysis, node: ts.Node, resource: ts.Expression): BoundDevice | undefined {
  const devices = boundDevicesInScope(an, node);
  if (devices.length === 0) return undefined;
  const owner = registeringDevice(an, resource);
  const ownerDriver = owner && enclosingDriver(an, owner)?.driver;
  if (!owner || !ownerDriver) return devices.length === 1 ? devices[0] : undefined;
  // Innermost first: a bound callback's own device is preferred over the captured one.
  return devices.find((d) => d.decl === owner || enclosingDriver(an, d.fn)?.driver === ownerDriver);
}
