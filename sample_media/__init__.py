"""Sample dock bundles for bodycam-guard, and the library and script that write them."""
