// STUB: owned by the fronts work (issue 2): the CLI entry (images, analyze, compare, ...).
console.log('layerscope')
