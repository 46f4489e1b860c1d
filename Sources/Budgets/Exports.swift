// `Metric` lives in Model (a check report carries it); a module that imports Budgets
// still sees it, as it did when it was defined here.
@_exported import Model
