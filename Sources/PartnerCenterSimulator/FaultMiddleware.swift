import HTTPTypes
import Hummingbird

/// Everything that happens to a request around its route, in Partner Center's order as a client
/// meets it: counted, authenticated, held to the partner's quota, perhaps failed on purpose, and
/// answered no sooner than the configured latency after it arrived.
struct FaultMiddleware<Context: RequestContext>: RouterMiddleware {
    let state: SimulatorState

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let arrival = ContinuousClock.now
        let route = Route(method: request.method, path: request.uri.path)
        guard !route.isControl else { return try await next(request, context) }
        await state.requestStarted()
        let response: Response
        do {
            response = try await answer(request, context: context, route: route, arrival: arrival, next: next)
        } catch {
            await finish(request, route: route, status: 500)
            throw error
        }
        let dropped = response.headers[.sandboxFault] == "drop"
        await finish(request, route: route, status: dropped ? 0 : Int(response.status.code))
        return response
    }

    /// Logs the request; `status` 0 stands for a dropped connection.
    private func finish(_ request: Request, route: Route, status: Int) async {
        await state.requestFinished(
            SimulatorStats.LoggedRequest(
                method: request.method.rawValue, route: route.name, customerId: route.customerId,
                requestId: request.headers[.requestId], status: status))
    }

    private func answer(
        _ request: Request, context: Context, route: Route, arrival: ContinuousClock.Instant,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let response = try await respond(request, context: context, route: route, next: next)
        let faults = state.configuration.faults
        if faults.routes?.contains(route.name) ?? true {
            try await delay(faults, key: route.name + request.uri.path, from: arrival)
        }
        return response
    }

    private func respond(
        _ request: Request, context: Context, route: Route, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let faults = state.configuration.faults
        if route.needsAuth {
            let header = request.headers[.authorization] ?? ""
            let token = header.hasPrefix("Bearer ") ? String(header.dropFirst(7)) : ""
            guard !token.isEmpty, await state.isValid(token: token) else {
                return PartnerFD.error(
                    .unauthorized, code: 800_001, "Partner token missing or expired in request context")
            }
            if let wait = await state.takeQuota() { return PartnerFD.throttled(retryAfter: wait) }
            guard faults.routes?.contains(route.name) ?? true else { return try await next(request, context) }
            let draw = await state.draw("\(request.method.rawValue) \(request.uri.path)")
            if draw < faults.throttleRate { return PartnerFD.throttled(retryAfter: faults.retryAfterSeconds) }
            if draw < faults.throttleRate + faults.serverErrorRate {
                let statuses: [HTTPResponse.Status] = [
                    .internalServerError, .badGateway, .serviceUnavailable, .gatewayTimeout,
                ]
                let status = statuses[Int(draw * 1000) % statuses.count]
                let echo =
                    state.configuration.echoSecrets
                    ? " (request had Authorization: \(request.headers[.authorization] ?? ""))" : ""
                return PartnerFD.error(status, code: 800_003, "Unexpected service error (simulated)" + echo)
            }
            if draw < faults.throttleRate + faults.serverErrorRate + faults.dropRate { return PartnerFD.dropped() }
        }
        return try await next(request, context)
    }

    /// The configured latency, counted from the request's arrival and slept without the timer's
    /// default leeway, after the answer is made: a request answers after the latency asked for,
    /// its own handling included, not a millisecond more (the benchmarks' ideal rate is computed
    /// from it).
    private func delay(_ faults: SimulatorConfiguration.Faults, key: String, from arrival: ContinuousClock.Instant)
        async throws
    {
        guard faults.latency > .zero || faults.latencyJitter > .zero else { return }
        let draw = await state.draw("latency " + key)
        let wait = faults.latency + faults.latencyJitter * (draw * 2 - 1)
        if wait > .zero { try await Task.sleep(until: arrival + wait, tolerance: .zero, clock: .continuous) }
    }
}
