#!/usr/bin/env node
// The `craft` command. A committed file, so npm can link it before the
// build (npm's `prepare`) has written the bundle it loads.
import "../dist/craft.mjs";
