// RuleTester's file: each case's code replaces this content.
export {};
