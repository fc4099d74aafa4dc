import Foundation
import Logging

extension PartnerCenterClient {
    /// Sends one logical call, retrying what is worth retrying, and returns the 2xx response.
    ///
    /// - Parameter retryAmbiguous: whether an attempt that may have reached the server (timeout,
    ///   dropped connection) may simply be sent again; `false` for writes, whose caller resolves
    ///   the doubt by reading back.
    /// - Parameter extraHeaders: headers the call itself needs (a page's `MS-ContinuationToken`).
    /// - Parameter inOpeningWindow: `false` for a call the limiter's opening window neither holds
    ///   nor counts (``AdaptiveRateLimiter/acquire(inOpeningWindow:)``).
    /// - Throws: ``PartnerCenterError`` for a non-retryable status, the last retryable one when
    ///   attempts run out, a spent retry budget, or cancellation.
    func execute(
        method: String, path: String, body: [UInt8]? = nil, ifMatch: String? = nil,
        extraHeaders: [(name: String, value: String)] = [], correlationId: String, retryAmbiguous: Bool = true,
        inOpeningWindow: Bool = true
    ) async throws(PartnerCenterError) -> HTTPResponse {
        let requestId = UUID().uuidString.lowercased()
        var logger = self.logger
        logger[metadataKey: "requestId"] = "\(requestId)"
        logger[metadataKey: "correlationId"] = "\(correlationId)"
        var attempt = 0
        var renewedToken = false
        while true {
            attempt += 1
            let sentAt = try await waitForSlot(
                requestId: requestId, correlationId: correlationId, inOpeningWindow: inOpeningWindow)
            let token = try await tokens.token()
            let request = HTTPRequest(
                method: method, url: configuration.endpoint + path,
                headers: headers(
                    token: token, requestId: requestId, correlationId: correlationId, ifMatch: ifMatch,
                    hasBody: body != nil) + extraHeaders,
                body: body)
            logger.trace("request", metadata: ["method": "\(method)", "path": "\(path)", "attempt": "\(attempt)"])
            let outcome: Result<HTTPResponse, TransportError>
            do {
                outcome = .success(try await transport.send(request, timeout: configuration.requestTimeout))
            } catch {
                outcome = .failure(error)
            }
            let failure: PartnerCenterError
            switch outcome {
            case .success(let received):
                let (response, encodingProblem) = received.normalizedForJSON()
                logger.debug("response", metadata: ["status": "\(response.status)", "attempt": "\(attempt)"])
                // Any answer but a 429 was let through by the partner's quota.
                await limiter.record(
                    response.status == 429 ? .throttled : .accepted, sentAt: sentAt, inOpeningWindow: inOpeningWindow)
                if (200..<300).contains(response.status) {
                    budget.recordSuccess(afterRetry: attempt > 1)
                    if let encodingProblem {
                        throw PartnerCenterError(
                            kind: .invalidResponse, status: response.status, detail: encodingProblem,
                            requestId: requestId, correlationId: correlationId)
                    }
                    return response
                }
                if response.status == 401, !renewedToken, await tokens.invalidate(token) {
                    renewedToken = true
                    attempt -= 1
                    logger.info("token refused; renewing it once", metadata: ["status": "401"])
                    continue
                }
                let retryAfter = RetryAfter.parse(response.header("Retry-After"), now: clock.date())
                failure = PartnerCenterError(
                    response: response, requestId: requestId, correlationId: correlationId, retryAfter: retryAfter
                ).redacted(by: Redactor(secrets: configuration.secrets + [token]))
                guard PartnerCenterError.isRetryable(status: response.status) else { throw failure }
            case .failure(let error):
                await limiter.record(.failed, sentAt: sentAt, inOpeningWindow: inOpeningWindow)
                let ambiguous = if case .ambiguous = error { true } else { false }
                logger.debug("no response", metadata: ["attempt": "\(attempt)", "ambiguous": "\(ambiguous)"])
                failure = PartnerCenterError(
                    kind: .transport(ambiguous: ambiguous), detail: error.reason, requestId: requestId,
                    correlationId: correlationId
                ).redacted(by: Redactor(secrets: configuration.secrets + [token]))
                if ambiguous, !retryAmbiguous { throw failure }
            }
            guard attempt < configuration.retry.maxAttempts else { throw failure }
            guard mayRetry else { throw cancelled(requestId: requestId, correlationId: correlationId) }
            if let wait = failure.retryAfter, wait > configuration.retry.longestRetryAfter {
                var tooLong = failure
                tooLong.kind = .waitTooLong
                throw tooLong
            }
            guard budget.withdrawRetry() else {
                var spent = failure
                spent.kind = .retryBudgetExhausted
                throw spent
            }
            let delay = configuration.retry.delay(
                afterAttempt: attempt, retryAfter: failure.retryAfter, jitter: jitter())
            logger.debug(
                "retrying", metadata: ["attempt": "\(attempt)", "delayMs": "\(delay.nanoseconds / 1_000_000)"])
            do {
                try await clock.sleep(for: delay)
            } catch {
                throw cancelled(requestId: requestId, correlationId: correlationId)
            }
            guard mayRetry else { throw cancelled(requestId: requestId, correlationId: correlationId) }
        }
    }

    /// Waits for the limiter's slot; returns the time it was given.
    private func waitForSlot(requestId: String, correlationId: String, inOpeningWindow: Bool)
        async throws(PartnerCenterError) -> Duration
    {
        do {
            return try await limiter.acquire(inOpeningWindow: inOpeningWindow)
        } catch {
            throw cancelled(requestId: requestId, correlationId: correlationId)
        }
    }

    private func cancelled(requestId: String, correlationId: String) -> PartnerCenterError {
        PartnerCenterError(
            kind: .cancelled, requestId: requestId,
            correlationId: correlationId)
    }

    /// An ETag as an `If-Match` value: sent as it came when it is already an entity tag (`"abc"`,
    /// or a weak `W/"abc"`), quoted when it is the bare value Partner Center's documents carry.
    static func entityTag(_ etag: String) -> String {
        etag.hasPrefix("\"") || etag.hasPrefix("W/\"") ? etag : "\"\(etag)\""
    }

    private func headers(token: String, requestId: String, correlationId: String, ifMatch: String?, hasBody: Bool)
        -> [(name: String, value: String)]
    {
        var headers: [(name: String, value: String)] = [
            ("Authorization", "Bearer \(token)"),
            ("Accept", "application/json"),
            ("MS-RequestId", requestId),
            ("MS-CorrelationId", correlationId),
            ("MS-Contract-Version", "v1"),
            ("MS-PartnerCenter-Application", configuration.applicationName),
            ("X-Locale", "en-US"),
        ]
        if hasBody { headers.append(("Content-Type", "application/json")) }
        if let ifMatch { headers.append(("If-Match", Self.entityTag(ifMatch))) }
        return headers
    }
}
