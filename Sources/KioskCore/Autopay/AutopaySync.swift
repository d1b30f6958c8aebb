/// The sync's optional `autopay_rules` (SYNC.md "Optional additions"): checked as
/// `autopay.create` checks a rule, each problem named by its path, except that a rule whose
/// card has expired is kept (it does not run).
extension Account {
    func validateAutopayRules(path: String, jobs: Set<Int>) throws(SyncDocumentError) {
        guard let rules = autopayRules else { return }
        func fail(_ sub: String, _ problem: String) -> SyncDocumentError { SyncDocumentError(path: "\(path).autopay_rules\(sub)", problem: problem) }
        guard rules.count <= 1_000 else { throw fail("", "more than 1,000 rules for one account") }
        var methods: [String: AutopayValidation.Method] = [:]
        for card in cardsOnFile { methods["card:" + card.id] = .init(state: .active, job: card.job) }
        for bank in bankAccountsOnFile { methods["bank:" + bank.id] = .init(state: .active, job: bank.job) }
        var ids = Set<String>()
        for (n, rule) in rules.enumerated() {
            guard !rule.id.isEmpty, rule.id.count <= 64 else { throw fail("[\(n)].id", "must be 1 to 64 characters") }
            guard ids.insert(rule.id).inserted else { throw fail("[\(n)].id", "another rule of this account has the same id") }
            guard rule.position == 0 || rule.position == n + 1 else {
                throw fail("[\(n)].position", "must be \(n + 1), its place in the array (or left out)")
            }
            let key: String = switch rule.method { case .cardOnFile(let id): "card:" + id; case .bankAccount(let id): "bank:" + id }
            if let problem = AutopayValidation.problem(method: rule.method, criteria: rule.criteria, onFile: methods[key], jobs: jobs, keepExpired: true) {
                let member = problem.row.map { ".criteria[\($0)]" + (problem.member.map { ".\($0)" } ?? "") } ?? (problem.reason == .methodNotFound ? ".method" : "")
                throw fail("[\(n)]\(member)", problem.sentence)
            }
        }
    }
}
