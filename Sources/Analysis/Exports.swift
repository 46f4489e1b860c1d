// The measurement types moved to Model; a module that imports Analysis still sees
// them, so code written against the old place keeps building while it moves to
// `import Model`.
@_exported import Model
