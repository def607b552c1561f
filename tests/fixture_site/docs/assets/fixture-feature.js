/* A page feature's script (tests/hooks/test_site_build.py). */
