# Python bindings (issue 4).
