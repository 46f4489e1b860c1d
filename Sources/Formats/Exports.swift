// What flows between modules lives in Model; a module that imports this one still
// sees those types, as it did when some of them were defined here.
@_exported import Model
