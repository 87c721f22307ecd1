// STUB: owned by the fronts work (issue 2): Electron lifecycle, window, IPC.
export {}
