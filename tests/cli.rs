//! System tests of the `till` command line.
