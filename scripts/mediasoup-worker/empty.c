void parley_empty(void) {}
