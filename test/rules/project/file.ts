// RuleTester lints every case as this file (its content is replaced by the case's code).
export {};
