// Re-exports names it imports from the runtime.
import { devmKzalloc, kfree } from "@devbound/runtime";

export { devmKzalloc as alloc, kfree };
