// A Node module resolve hook (module.register, see register.js): a bare specifier that the
// importing module cannot resolve (`import devbound from "@devbound/eslint-plugin"` in a project
// that did not install it) is resolved again from the pre-commit hook's own package. Anything
// the importer can resolve itself is left alone, and if the fallback fails too, the importer's
// own error is the one reported.

/** @type {string} the hook package's package.json URL, from register.js */
let fallbackParent;

export function initialize(data) {
  fallbackParent = data.parentURL;
}

/** `pkg`, `@scope/pkg`, `pkg/sub`: not relative, absolute, a URL or a builtin. */
function isBare(specifier) {
  return !/^(\.{0,2}\/|[a-zA-Z][a-zA-Z\d+.-]*:|#)/.test(specifier);
}

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (error?.code !== "ERR_MODULE_NOT_FOUND" || !isBare(specifier) || context.parentURL === fallbackParent) throw error;
    try {
      return await nextResolve(specifier, { ...context, parentURL: fallbackParent });
    } catch {
      throw error;
    }
  }
}
