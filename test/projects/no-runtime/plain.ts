// No runtime here: nothing to say.
export const answer = 42;
