import Budgets
import Evaluation
import Formats
import GitHistory
import Prediction

/// `sizebudget predict [REV]` and the pre-push hook's judgement of commits nobody has
/// built: per budgeted image, the measurement REV has or inherits (a measurement always
/// wins, as in check), else the prediction from its nearest measured ancestor, judged
/// by check's rules.
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
    case .text: output = TextWrap.fit(PredictText.render(report, terminal: terminal), width: TextWrap.lineWidth())
    case .json: output = PredictJSON.render(report)
    case .markdown: output = PredictMarkdown.render(report)
    }
    return (output, report.exitCode)
  }

  /// Every selected image at `commit`: measured, predicted, or neither.
  /// `remoteTip`: for a push, the remote's old tip, so the listing marks what is
  /// already there.
  static func judge(commit: String, images: [ImageBudget], _ context: CommandContext, remoteTip: String? = nil)
    throws(CommandError) -> PredictReport
  {
    let repository = try context.repository()
    let store = try context.store()
    let predictor = Predictor(repository: repository, store: store)
    let finder = BaseFinder(history: RepositoryHistory(repository: repository), store: StoreMeasurements(store: store))
    let budgetedImages = Set(try context.budgets().images.map(\.name))
    var entries: [PredictReport.Entry] = []
    var accuracy: [String: PredictionAccuracy] = [:]
    for budget in images {
      // A commit that is measured, or inherits a measurement (nothing in context changed
      // since), is judged by it, as check judges it.
      if let evaluation = try Check.evaluate(commit: commit, images: [budget], context, revision: commit).images.first {
        entries.append(.measured(evaluation))
        if evaluation.inherited == nil,
          let prediction = try? predictor.predict(budget, at: commit, fromParent: true)
        {
          accuracy[budget.name] = PredictionAccuracy(
            prediction, measured: evaluation.measurement, metric: budget.metric)
        }
        continue
      }
      let prediction: ImagePrediction?
      do { prediction = try predictor.predict(budget, at: commit, remoteTip: remoteTip) } catch {
        entries.append(.unpredictable(image: budget.name, reason: error.message))
        continue
      }
      guard let prediction else {
        entries.append(.unmeasured(image: budget.name, command: Check.measureCommand(budget, commit: commit, rev: nil)))
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
        throw .from(error)
      }
      let trailers: (justifications: [Justification], misnamed: [MisnamedTrailer])
      do {
        trailers = try finder.trailers(
          from: base?.commit, to: commit, image: budget.name, budgetedImages: budgetedImages)
      } catch {
        throw .from(error)
      }
      // The same noise check reads for this commit: a verdict never depends on the command.
      let noise: (commit: String, bytes: Int64)?
      do { noise = try finder.observedNoise(for: budget, at: commit, base: base) } catch { throw .from(error) }
      entries.append(
        .predicted(
          PredictedEvaluation.judge(
            prediction, budget: budget, base: base, justifications: trailers.justifications,
            misnamedTrailers: trailers.misnamed, firstCommit: firstCommit, baseMissing: baseMissing, noise: noise)))
    }
    var report = PredictReport(
      commit: commit, commitSubject: ObjectID(hex: commit).flatMap { try? repository.commit($0).subject },
      entries: entries)
    report.accuracy = accuracy
    return report
  }
}
