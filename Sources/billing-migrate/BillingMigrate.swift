import ArgumentParser

/// The root command: parses, wires, and leaves the work to the libraries.
struct BillingMigrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "billing-migrate",
        abstract: "Correct Microsoft Partner Center customers' billing addresses in bulk, from a CSV file.",
        discussion: """
            Start with `validate` to check a corrections file offline. Exit codes: 0 every row fine; 1 some rows \
            invalid or failed; 2 usage, configuration or input-file error (nothing sent); 3 interrupted or locked \
            (resumable); 4 `plan --detailed-exitcode` with changes pending.
            """,
        version: BillingMigrate.version,
        subcommands: [Validate.self, Plan.self, Apply.self, Export.self, Status.self, DoctorCommand.self, Sandbox.self]
    )

    /// The tool's version, also sent to Partner Center as `MS-PartnerCenter-Application`.
    static let version = "0.1.0"
}
