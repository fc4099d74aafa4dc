import ArgumentParser
import Foundation
import Logging
import Migration
import PartnerCenter
import PartnerCenterSimulator

/// Where Partner Center is and how to sign in, and how hard to push it: the options every
/// command that talks to Partner Center shares.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "Partner Center's base URL (https://, or http:// on loopback only). Default: the cloud's.")
    var endpoint: String?

    @Option(help: "Endpoint and sign-in presets: global, usgov or china.")
    var cloud: PartnerCenterCloud = .global

    @Option(help: "The Entra ID authority to get tokens from. Default: the cloud's.")
    var authority: String?

    @Option(help: "The audience (resource) of the tokens requested. Default: the cloud's Partner Center API.")
    var resource: String?

    @Option(
        help: ArgumentHelp(
            "Where PUTs carry the ETag read: header (If-Match), body (attributes.etag, as Microsoft's SDKs do) or "
                + "both. `billing-migrate doctor` shows which one the service enforces.", valueName: "place"))
    var etagIn: ETagPlacement = .both

    @Option(
        help: ArgumentHelp(
            "Read PARTNER_CENTER_* credentials from this KEY=VALUE file (must not be readable by others).",
            valueName: "file"), completion: .file())
    var envFile: String?

    @Flag(help: "Run against an embedded Partner Center simulator seeded from samples/ (no credentials needed).")
    var sandbox = false

    @Option(help: ArgumentHelp("The simulator's customers for --sandbox.", valueName: "file"), completion: .file())
    var sandboxSeed = "samples/sandbox-customers.json"

    @Option(
        help: ArgumentHelp(
            "Keep the --sandbox simulator's customers in this file between commands: read when it exists "
                + "(otherwise seeded from --sandbox-seed), written back (0600) when the command ends.",
            valueName: "file"), completion: .file())
    var sandboxState: String?

    @Option(help: "Calls to Partner Center in flight at once.") var concurrency = 8

    @Option(help: "Attempts per call, the first included.") var maxAttempts = 6

    @Option(help: "A hard cap on requests per minute (off by default; the run also adapts to 429s).")
    var rateLimit: Double?

    func validate() throws {
        guard (1...256).contains(concurrency) else { throw ValidationError("--concurrency must be from 1 to 256.") }
        guard (1...20).contains(maxAttempts) else { throw ValidationError("--max-attempts must be from 1 to 20.") }
        if let rateLimit, !(rateLimit > 0 && rateLimit <= 1_000_000) {
            throw ValidationError("--rate-limit is requests per minute, from more than 0 to 1000000.")
        }
    }

    /// Connections for the calls a run makes beside its rows' (`--concurrency`): the preflight, the
    /// token, and the country rules, which the first rows ask for all at once (one call per
    /// country, as many as `--concurrency` when the first rows' profiles are all in different
    /// countries).
    var spareConnections: Int { concurrency + 4 }

    /// A live client, and what to close when the run is over.
    func connect(logger: Logger) async throws -> Connection {
        // A connection per call in flight, and spare ones: country rules fetched while rows read
        // their profiles do not queue behind them (nor their reads behind the rules).
        let transport = AsyncHTTPClientTransport(connectionsPerHost: concurrency + spareConnections)
        var simulator: RunningSimulator?
        let endpoint: String
        let tokens: any TokenProvider
        var secrets: [String] = []
        do {
            if sandbox {
                var configuration = SimulatorConfiguration()
                if let sandboxState, let saved = FileManager.default.contents(atPath: sandboxState) {
                    do {
                        configuration.snapshot = try SimulatorSnapshot.load(json: Array(saved))
                    } catch {
                        throw ConfigurationError(
                            "--sandbox-state \(sandboxState) is not a saved sandbox (\(error)); remove it to start afresh."
                        )
                    }
                } else {
                    guard let seed = FileManager.default.contents(atPath: sandboxSeed) else {
                        throw ConfigurationError(
                            "--sandbox needs \(sandboxSeed) (run from the repository root, or pass --sandbox-seed FILE)."
                        )
                    }
                    configuration.seedCustomers = try SeedCustomer.load(json: Array(seed))
                }
                var quiet = logger
                quiet.logLevel = .critical
                let running = try await RunningSimulator.start(configuration, logger: quiet)
                simulator = running
                endpoint = running.baseURL
                tokens = StaticTokenProvider(token: "sandbox-token")
            } else {
                endpoint = try Endpoint.validated(self.endpoint ?? cloud.endpoint, option: "--endpoint")
                (tokens, secrets) = try tokenProvider(transport: transport)
            }
        } catch {
            try? await transport.shutdown()
            throw error as? ConfigurationError ?? ConfigurationError("\(error)")
        }
        var configuration = PartnerCenterConfiguration(endpoint: endpoint)
        configuration.applicationName = "billing-migrate/\(BillingMigrate.version)"
        configuration.retry.maxAttempts = maxAttempts
        configuration.etagPlacement = etagIn
        configuration.secrets = secrets
        let client = PartnerCenterClient(
            configuration: configuration, transport: transport, tokens: tokens,
            limiter: AdaptiveRateLimiter(configuration: .init(hardLimitPerMinute: rateLimit)), logger: logger)
        return Connection(
            client: client, transport: transport, simulator: simulator, endpoint: endpoint,
            sandboxState: sandbox ? sandboxState : nil)
    }

    private func tokenProvider(transport: any HTTPTransport) throws -> (any TokenProvider, [String]) {
        var environment = ProcessInfo.processInfo.environment
        if let envFile { environment.merge(try EnvFile.load(envFile)) { $1 } }
        let credentials = try Credentials.from(environment: environment)
        return (try tokenProvider(credentials, transport: transport), credentials.secrets)
    }

    private func tokenProvider(_ credentials: Credentials, transport: any HTTPTransport) throws -> any TokenProvider {
        switch credentials {
        case .accessToken(let token):
            return StaticTokenProvider(token: token)
        case .clientCredentials(let tenant, let clientId, let secret):
            return EntraTokenProvider(
                authority: try Endpoint.validated(authority ?? cloud.authority, option: "--authority"), tenant: tenant,
                clientId: clientId, clientSecret: secret, grant: .clientCredentials,
                resource: try tokenResource(), transport: transport)
        case .appPlusUser(let tenant, let clientId, let secret, let refreshToken):
            return EntraTokenProvider(
                authority: try Endpoint.validated(authority ?? cloud.authority, option: "--authority"), tenant: tenant,
                clientId: clientId, clientSecret: secret, grant: .refreshToken(refreshToken),
                resource: try tokenResource(), transport: transport)
        }
    }

    private func tokenResource() throws -> String {
        guard let resource else { return cloud.resource }
        return try Endpoint.validated(resource, option: "--resource")
    }
}

extension PartnerCenterCloud: ExpressibleByArgument {}
extension ETagPlacement: ExpressibleByArgument {}

/// An open line to Partner Center (or the embedded simulator).
struct Connection {
    let client: PartnerCenterClient
    let transport: AsyncHTTPClientTransport
    let simulator: RunningSimulator?
    let endpoint: String
    /// `--sandbox-state`: where the simulator's customers are saved when the command ends.
    let sandboxState: String?

    func close() async {
        try? await transport.shutdown()
        guard let simulator else { return }
        if let sandboxState {
            do {
                let file = try PrivateFile(path: sandboxState)
                try file.write(bytes: await simulator.simulator.snapshot().json)
                try file.commit()
            } catch {
                Console.error("warning: the sandbox state could not be saved: \(error)")
            }
        }
        await simulator.stop()
    }
}
