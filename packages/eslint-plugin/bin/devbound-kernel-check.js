#!/usr/bin/env node
// A committed launcher, not dist/ itself: package managers link bins before `prepare` builds
// dist/, and a bin pointing into dist/ is then missing on a fresh clone or a git install.
import "../dist/bin/devbound-kernel-check.js";
