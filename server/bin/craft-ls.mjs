#!/usr/bin/env node
// The `craft-ls` command (`craft-ls --stdio`). A committed file, so npm can
// link it before the build has written the bundle it loads.
import "../dist/craft-ls.mjs";
