// STUB: owned by the fronts work (issue 2).
export {}
