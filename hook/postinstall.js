// The root package's postinstall (package.json): in an installed copy of this repository, the
// pre-commit hook's environment, link and compile the packages (setup.js); in a development
// checkout, nothing.
import { setup } from "./setup.js";

setup();
