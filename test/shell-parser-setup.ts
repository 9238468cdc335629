// The bash grammar (WebAssembly) loads asynchronously: the commands load it before checks run; every test file gets
// it here, before the file's own code runs (describe-level code parses UserData too).
import {loadShellParser} from '../src/core/shell-parser.js'

await loadShellParser()
