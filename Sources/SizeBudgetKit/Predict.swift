import Budgets
import Evaluation
import Formats
import GitHistory
import Prediction

/// `sizebudget predict [REV]` and the pre-push hook's judgement of commits nobody has
/// built: per budgeted image, the measurement when REV has one (a measurement always
/// wins), else the prediction from its nearest measured ancestor, judged by check's rules.
public enum Predict {
  public enum Format: String, Sendable, CaseIterable {
    case text, json, markdown
  }

  public static func run(
    revision: String?, images: [String], format: Format, in context: CommandContext, terminal: TerminalStyle = .plain
  )
    throws(CommandError) -> (String, Int32)
  {
    let budgets = try context.budgets()
    let repository = try context.repository()
    let commit = try context.workspace.resolveCommit(revision, in: repository)
    let report = try judge(commit: commit, images: try Check.selectImages(budgets, images), context)
    let output: String
    switch format {
    case .text: output = PredictText.render(report, terminal: terminal)
    case .json: output = PredictJSON.render(report)
    case .markdown: output = PredictMarkdown.render(report)
    }
    return (output, report.exitCode)
  }

  /// Every selected image at `commit`: measured, predicted, or neither.
  static func judge(commit: String, images: [ImageBudget], _ context: CommandContext) throws(CommandError)
    -> PredictReport
  {
    let repository = try context.repository()
    let store = try context.store()
    let predictor = Predictor(repository: repository, store: store)
    let finder = BaseFinder(history: RepositoryHistory(repository: repository), store: StoreMeasurements(store: store))
    let budgetedImages = Set(try context.budgets().images.map(\.name))
    var entries: [PredictReport.Entry] = []
    for budget in images {
      // A measured commit is judged by its measurement, as check judges it.
      let measured: Bool
      do { measured = try store.hasMeasurement(image: budget.name, commit: commit) } catch {
        throw .usage(error.message)
      }
      if measured {
        let report = try Check.evaluate(commit: commit, images: [budget], context, revision: commit)
        if let evaluation = report.images.first { entries.append(.measured(evaluation)) }
        continue
      }
      let prediction: ImagePrediction?
      do { prediction = try predictor.predict(budget, at: commit) } catch {
        entries.append(.unpredictable(image: budget.name, reason: error.message))
        continue
      }
      guard let prediction else {
        entries.append(.unmeasured(image: budget.name, command: Check.measureCommand(budget, commit: commit, rev: nil)))
        continue
      }
      if prediction.tipIsMeasured {
        let report = try Check.evaluate(commit: commit, images: [budget], context, revision: commit)
        if let evaluation = report.images.first { entries.append(.measured(evaluation)) }
        continue
      }
      var base: BaseMeasurement? = nil
      var firstCommit = false
      var baseMissing: String? = nil
      do {
        switch try finder.base(for: budget, at: commit) {
        case .found(let found): base = found
        case .firstCommit: firstCommit = true
        case .missing(let reason, _): baseMissing = reason
        }
      } catch {
        throw .usage(error.message)
      }
      let justifications: [Justification]
      do {
        justifications = try finder.justifications(
          from: base?.commit, to: commit, image: budget.name, budgetedImages: budgetedImages)
      } catch {
        throw .usage(error.message)
      }
      entries.append(
        .predicted(
          PredictedEvaluation.judge(
            prediction, budget: budget, base: base, justifications: justifications, firstCommit: firstCommit,
            baseMissing: baseMissing)))
    }
    return PredictReport(
      commit: commit, commitSubject: ObjectID(hex: commit).flatMap { try? repository.commit($0).subject },
      entries: entries)
  }
}
