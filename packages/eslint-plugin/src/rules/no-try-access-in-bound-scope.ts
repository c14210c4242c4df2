/**
 * no-try-access-in-bound-scope: `tryAccess()`/`tryAccessWith()` on a `Devres` where a
 * `Device<Bound>` for its device is in scope (seeds/000: Danilo's zero-cost `access(&Device<Bound>)`;
 * seeds/001: a `try_access` in a scope that could prove boundness is a code smell).
 *
 * Recognised by type: a call returning an AccessSection-branded guard (tryAccess) or taking an
 * AccessSection-branded callback (tryAccessWith), on a receiver whose type has
 * `access(dev: Device<Bound>)` (brands.isDevresType); the device comes from
 * scopes.boundDeviceFor (a bound device in scope that is the resource's owner). When the code does
 * not show the Devres's registration and the Devres comes from outside the bound scope (a module
 * map, a driver factory's parameter), it may be another device's (a parent's mapping handed to a
 * child): not reported, since `access(dev)` with another device's proof throws.
 *
 * Suggestion `access(dev)`, only where the rewrite is faithful:
 *   r.tryAccess()?.value                          -> r.access(dev)
 *   using g = r.tryAccess(); if (!g) return; g.value   -> const g = r.access(dev); g
 *   const g = r.tryAccess(); if (g) { g.value }         -> const g = r.access(dev); { g }
 *   r.tryAccessWith((m) => m.readl(0))            -> r.access(dev).readl(0)
 *   r.tryAccessWith((m) => { ... });  (statement, no return)  -> { const m = r.access(dev); ... }
 *   r.tryAccessWith(fn)                           -> fn(r.access(dev))
 */
import { ts } from "../util/typescript.js";
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { createRule } from "../util/create-rule.js";
import { argumentBrands, boundDeviceFor, brandsOfType, comesFromOutside, contextText, driverRoleOf, enclosingFunction, getAnalysis, isDevresType, mayReturnSection, ownerName, typeInfoMessages, typeOf } from "../analysis/index.js";

type MessageIds = "tryAccessInBoundScope" | "useAccess" | keyof typeof typeInfoMessages;

function leftmostRoot(node: TSESTree.Node): TSESTree.Node {
  let n = node;
  for (;;) {
    if (n.type === "MemberExpression") n = n.object;
    else if (n.type === "CallExpression") n = n.callee;
    else if (n.type === "ChainExpression") n = n.expression;
    else return n;
  }
}

function containsOwnReturn(body: TSESTree.Node): boolean {
  let found = false;
  const visit = (n: TSESTree.Node): void => {
    if (found) return;
    if (n.type === "ReturnStatement") return void (found = true);
    if (n.type === "FunctionDeclaration" || n.type === "FunctionExpression" || n.type === "ArrowFunctionExpression") return;
    for (const key of Object.keys(n) as (keyof typeof n)[]) {
      if (key === "parent") continue;
      const v = n[key] as unknown;
      if (Array.isArray(v)) v.forEach((c) => c && typeof c.type === "string" && visit(c));
      else if (v && typeof v === "object" && typeof (v as TSESTree.Node).type === "string") visit(v as TSESTree.Node);
    }
  };
  visit(body);
  return found;
}

function isExit(s: TSESTree.Statement): boolean {
  if (s.type === "BlockStatement") return s.body.length === 1 && isExit(s.body[0]!);
  return s.type === "ReturnStatement" || s.type === "ThrowStatement" || s.type === "ContinueStatement" || s.type === "BreakStatement";
}

export default createRule<[], MessageIds>({
  name: "no-try-access-in-bound-scope",
  meta: {
    type: "suggestion",
    hasSuggestions: true,
    docs: {
      description: "Prefer `access(dev)` over `tryAccess()`/`tryAccessWith()` where a `Device<Bound>` proves the device is bound",
      recommended: "warn",
      requiresTypeChecking: true,
    },
    schema: [],
    messages: {
      ...typeInfoMessages,
      tryAccessInBoundScope:
        "`{{call}}` on `{{resource}}` cannot fail here: `{{dev}}` (Device<{{ctx}}>) proves {{owner}} is bound, so use `{{resource}}.access({{dev}})` (zero-cost, no read-side section)",
      useAccess: "Use `{{resource}}.access({{dev}})`",
    },
  },
  defaultOptions: [],
  create(context) {
    const an = getAnalysis(context);
    if (!an?.usesBrands) return {};
    const sc = context.sourceCode;
    return {
      CallExpression(node: TSESTree.CallExpression) {
        if (node.callee.type !== "MemberExpression" || node.arguments.length > 1) return;
        const call = an.tsNode(node) as ts.CallExpression;
        const callee = call.expression;
        if (!ts.isPropertyAccessExpression(callee) && !ts.isElementAccessExpression(callee)) return;
        // The call's type (a resolved signature) only where the callee's name may return a section
        // guard; most argument-less member calls are getters and queues (name-index.ts).
        const form =
          node.arguments.length === 0
            ? mayReturnSection(an.checker, call) && brandsOfType(an.checker, typeOf(an.checker, call)).accessSection && "guard"
            : argumentBrands(an.checker, call, 0).accessSection && "with";
        if (!form) return;
        if (!isDevresType(an.checker, typeOf(an.checker, callee.expression))) return;
        const device = boundDeviceFor(an, call, callee.expression);
        if (!device || mayBelongToAnotherDevice(callee.expression, device.fn)) return;

        const resource = sc.getText(node.callee.object);
        const method = ts.isPropertyAccessExpression(callee) ? callee.name.text : "tryAccess";
        const accessText = `${resource}.access(${device.name})`;
        const fix = node.optional || node.callee.optional ? undefined : buildFix(node, form, accessText);
        context.report({
          node,
          messageId: "tryAccessInBoundScope",
          data: {
            call: `${method}()`,
            resource,
            dev: device.name,
            ctx: contextText(device.context),
            owner: ownerName(an, device.fn),
          },
          suggest: fix ? [{ messageId: "useAccess", data: { resource, dev: device.name }, fix }] : [],
        });
      },
    };

    /**
     * A Devres whose registration the code does not show and that reaches the bound scope from
     * outside (a module map, a driver factory's parameter, a class driver's constructor input) may
     * be another device's (a parent's mapping handed to a child driver): `access(dev)` with another
     * device's proof throws. The scope is the driver callback that holds the device, else the
     * device's own function.
     */
    function mayBelongToAnotherDevice(resource: ts.Expression, deviceFn: ts.Node): boolean {
      let scope: ts.Node = deviceFn;
      for (let fn = enclosingFunction(resource); fn; fn = fn === deviceFn ? undefined : enclosingFunction(fn)) {
        if (driverRoleOf(an!, fn)) {
          scope = fn;
          break;
        }
      }
      return comesFromOutside(an!, resource, scope);
    }

    function buildFix(node: TSESTree.CallExpression, form: "guard" | "with", accessText: string): TSESLint.ReportFixFunction | undefined {
      return form === "guard" ? guardFix(node, accessText) : withFix(node, accessText);
    }

    function guardFix(node: TSESTree.CallExpression, accessText: string): TSESLint.ReportFixFunction | undefined {
      const parent = node.parent;
      // r.tryAccess()?.value
      if (parent.type === "MemberExpression" && parent.object === node && !parent.computed && parent.property.type === "Identifier" && parent.property.name === "value") {
        const outer = parent.parent.type === "ChainExpression" ? parent.parent : parent;
        return (fixer) => fixer.replaceText(outer, accessText);
      }
      // using g = r.tryAccess(); if (!g) return; ... g.value ...
      if (parent.type !== "VariableDeclarator" || parent.id.type !== "Identifier" || parent.init !== node) return undefined;
      const declaration = parent.parent;
      if (declaration.declarations.length !== 1) return undefined;
      const block = declaration.parent;
      if (block.type !== "BlockStatement" && block.type !== "Program" && block.type !== "StaticBlock") return undefined;
      const body = block.body as TSESTree.Statement[];
      const next = body[body.indexOf(declaration as TSESTree.Statement) + 1];
      const name = parent.id.name;
      if (!next || next.type !== "IfStatement" || next.alternate) return undefined;
      // `if (!g) return;` (an early exit) or `if (g) { ... }` (a guarded block).
      const test = next.test;
      const earlyExit = test.type === "UnaryExpression" && test.operator === "!" && test.argument.type === "Identifier" && test.argument.name === name && isExit(next.consequent);
      const guardedBlock = test.type === "Identifier" && test.name === name && next.consequent.type === "BlockStatement";
      if (!earlyExit && !guardedBlock) return undefined;
      const testId = test.type === "UnaryExpression" ? test.argument : test;
      const variable = sc.getDeclaredVariables(parent)[0];
      if (!variable) return undefined;
      const valueReads: TSESTree.MemberExpression[] = [];
      for (const ref of variable.references) {
        if (ref.init) continue;
        const id = ref.identifier as TSESTree.Identifier;
        if (id === testId) continue;
        // In the guarded-block form the value may be read only inside the block.
        if (guardedBlock && !(id.range[0] >= next.consequent.range[0] && id.range[1] <= next.consequent.range[1])) return undefined;
        const p = id.parent;
        if (p?.type === "MemberExpression" && p.object === id && !p.computed && p.property.type === "Identifier" && p.property.name === "value" && !(p.parent?.type === "AssignmentExpression" && p.parent.left === p)) {
          valueReads.push(p);
        } else {
          return undefined; // the guard itself is used (disposed by hand, passed on): not a faithful rewrite
        }
      }
      return function* (fixer) {
        yield fixer.replaceText(declaration, `const ${name} = ${accessText};`);
        if (earlyExit) {
          const before = sc.getTokenBefore(next);
          yield fixer.removeRange([before ? before.range[1] : next.range[0], next.range[1]]);
        } else {
          yield fixer.removeRange([next.range[0], next.consequent.range[0]]); // `if (g) ` -> the block itself
        }
        for (const read of valueReads) yield fixer.replaceText(read, name);
      };
    }

    function withFix(node: TSESTree.CallExpression, accessText: string): TSESLint.ReportFixFunction | undefined {
      const cb = node.arguments[0];
      if (!cb) return undefined;
      if (cb.type === "Identifier") return (fixer) => fixer.replaceText(node, `${cb.name}(${accessText})`);
      if (cb.type !== "ArrowFunctionExpression" && cb.type !== "FunctionExpression") return undefined;
      if (cb.async || cb.generator || cb.params.length > 1) return undefined;
      const param = cb.params[0];
      if (param && param.type !== "Identifier") return undefined;
      if (cb.type === "FunctionExpression" && /\bthis\b|\barguments\b/.test(sc.getText(cb.body))) return undefined;
      const refs = param ? (sc.getDeclaredVariables(cb).find((v) => v.name === param.name)?.references ?? []) : [];
      // Expression body rooted at the parameter, read once: substitute the access for it.
      if (cb.body.type !== "BlockStatement" && param && refs.length === 1 && leftmostRoot(cb.body) === refs[0]!.identifier) {
        const body = cb.body;
        const ref = refs[0]!.identifier;
        return (fixer) => {
          const text = sc.getText(body);
          const start = ref.range[0] - body.range[0];
          const end = ref.range[1] - body.range[0];
          return fixer.replaceText(node, text.slice(0, start) + accessText + text.slice(end));
        };
      }
      // Result unused: inline the callback body as a block.
      const stmt = node.parent;
      if (stmt.type === "ExpressionStatement" && stmt.expression === node) {
        if (cb.body.type === "BlockStatement" && containsOwnReturn(cb.body)) return undefined;
        const head = param ? `const ${param.name} = ${accessText};` : `${accessText};`;
        const inner = cb.body.type === "BlockStatement" ? sc.getText(cb.body).slice(1, -1).trim() : `${sc.getText(cb.body)};`;
        return (fixer) => fixer.replaceText(stmt, `{ ${head} ${inner} }`);
      }
      return undefined;
    }
  },
});
