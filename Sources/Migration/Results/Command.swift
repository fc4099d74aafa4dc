/// The subcommand a run belongs to: what every layer (the row loop, the summary, the reports)
/// branches on.
public enum Command: String, Sendable, CaseIterable {
    /// Offline checks of the file; nothing is read from Partner Center.
    case validate
    /// A dry run: profiles are read, nothing is written.
    case plan
    /// Profiles are written, with a journal.
    case apply
    /// Customers' current addresses are read into a corrections file; nothing is written.
    case export

    /// Whether the run reads the current profiles, so that rows have a before value.
    public var readsProfiles: Bool { self != .validate }
}
