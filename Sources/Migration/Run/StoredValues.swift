import AddressRules

/// What Partner Center holds after a write, against what the write sent, field by field for the
/// fields the row changes: the same, the same value in another form, or not stored at all.
struct StoredValues: Sendable, Equatable {
    /// A field whose stored value is not the one sent.
    struct Difference: Sendable, Equatable {
        let field: AddressField
        let sent: String?
        let stored: String?
    }

    /// Fields stored in another form than sent (`REDMOND` for `Redmond`, `98052-1234` for `980521234`).
    var reformatted: [Difference] = []
    /// Fields the service did not store: it kept the old value, or dropped the member.
    var dropped: [Difference] = []

    /// The answer to a PUT, which is the profile as that write stored it: a field that holds neither
    /// the value sent nor another form of it, but the value from before (or nothing), was dropped;
    /// any other value is the service's form of the one sent.
    init(answer stored: AddressFields, sent: AddressFields, before: AddressFields, fields: [AddressField]) {
        for field in fields where stored[field] != sent[field] {
            let difference = Difference(field: field, sent: sent[field], stored: stored[field])
            if let value = sent[field], let kept = stored[field], Self.sameValue(value, kept) || kept != before[field] {
                reformatted.append(difference)
            } else {
                dropped.append(difference)
            }
        }
    }

    private init(reformatted: [Difference]) {
        self.reformatted = reformatted
    }

    /// A profile read back after a write whose answer was lost, refused as a conflict, or came
    /// from an earlier run: the write's values, exactly or in another form, or `nil` when they are
    /// not there (another writer's values are never taken for a reformatted write).
    static func readBack(_ stored: AddressFields, sent: AddressFields, fields: [AddressField]) -> StoredValues? {
        guard !fields.isEmpty else { return nil }
        var reformatted: [Difference] = []
        for field in fields where stored[field] != sent[field] {
            guard let value = sent[field], let kept = stored[field], sameValue(value, kept) else { return nil }
            reformatted.append(Difference(field: field, sent: value, stored: kept))
        }
        return StoredValues(reformatted: reformatted)
    }

    /// Whether two values differ only in case, spacing and punctuation.
    static func sameValue(_ first: String, _ second: String) -> Bool {
        func letters(_ text: String) -> [Character] {
            text.filter { $0.isLetter || $0.isNumber }.flatMap { $0.uppercased() }
        }
        return letters(first) == letters(second)
    }

    /// The values as stored, over `sent`.
    func applied(to sent: AddressFields) -> AddressFields {
        var values = sent
        for difference in reformatted { values[difference.field] = difference.stored }
        return values
    }

    /// The warning of a write stored in another form, naming both forms.
    var storedDifferently: RowIssue? {
        guard let first = reformatted.first else { return nil }
        let forms = reformatted.map { "\($0.field.rawValue) '\($0.sent ?? "")' is stored as '\($0.stored ?? "")'" }
        return RowIssue(
            .storedDifferently, field: first.field.rawValue,
            "Partner Center stored the value in its own form: \(forms.joined(separator: ", ")); the journal and "
                + "reports record the stored form.")
    }

    /// The failure of a write whose values Partner Center did not store.
    var notStored: RowIssue? {
        guard let first = dropped.first else { return nil }
        let fields = dropped.map {
            "\($0.field.rawValue) (sent \($0.sent.map { "'\($0)'" } ?? "null"), it holds "
                + "\($0.stored.map { "'\($0)'" } ?? "nothing"))"
        }
        return RowIssue(
            .notStored, field: first.field.rawValue,
            "Partner Center answered the write as a success but did not store \(fields.joined(separator: ", ")). "
                + "Sending it again would not help: check the value in Partner Center's portal, or whether this "
                + "field can be changed through the API.")
    }
}
