extension SimulatorConfiguration {
    /// How the service refuses a PUT whose ETag is stale. Partner Center does not document it for
    /// billing profiles; these are the three answers its documents make plausible. The raw value
    /// is the status, as `sandbox --conflict-style` takes it.
    public enum ConflictStyle: String, Sendable, CaseIterable {
        /// 412 with PartnerFD's code 800036, "Pre-condition failed" (not 2055).
        case preconditionFailed = "412"
        /// 409 with PartnerFD's code 800064, the billing profile "is being processed by another request".
        case conflict = "409"
        /// 400 with code 2055, "Etag is no longer valid", as documented for subscriptions.
        case etagNoLongerValid = "400"
    }

    /// How a quota 429's `Retry-After` (whole seconds, as HTTP has it) rounds the wait until the
    /// bucket next holds a request. The raw value is `sandbox --retry-after-rounding`'s word.
    public enum RetryAfterRounding: String, Sendable, CaseIterable {
        /// Rounded up, and at least 1: the bucket says "a second" as soon as it is empty, however
        /// soon it refills (a strict token bucket).
        case up
        /// Rounded to the nearest second: 0 (retry at once) when a request is allowed within half a second.
        case nearest
    }

    /// How a page of `GET /v1/customers` points to the next one. The documents show `links.next`
    /// with a URI relative to the API version and the `MS-ContinuationToken` header to send; the
    /// SDKs also read a top-level `continuationToken`. The raw value is `sandbox --customer-paging`'s word.
    public enum CustomerPaging: String, Sendable, CaseIterable {
        /// `links.next.uri` `/customers?size=N&seekOperation=Next` (no `/v1`), its headers holding
        /// `MS-ContinuationToken`, as in the documented response.
        case relativeLink = "relative"
        /// `links.next.uri` with the version: `/v1/customers?size=N&seekOperation=Next`.
        case versionedLink = "versioned"
        /// No `links.next`: only a top-level `continuationToken`, to send as `MS-ContinuationToken`
        /// to `/v1/customers?seekOperation=Next`.
        case tokenOnly = "token"
    }

    /// Which ETag the service holds a PUT to. The raw value is `sandbox --etag-in`'s word.
    public enum ETagSource: String, Sendable, CaseIterable {
        /// The `If-Match` header (quoted, bare or weak) must be the current ETag; the body's
        /// `attributes.etag` is not looked at.
        case header
        /// The body's `attributes.etag` must be the current ETag; `If-Match` is not looked at.
        case body
        /// `If-Match` must be present and current, and the body's `attributes.etag` current if present.
        case both
        /// No ETag is checked: the last writer wins.
        case ignored = "none"
    }

    /// The statuses of Partner Center's address validation, spelled as on the wire
    /// (`VerifiedShippable`, …), each with the number of suggestions the documents give it.
    public enum AddressValidationStatus: String, Sendable, CaseIterable {
        /// Verified, and goods can be shipped to it.
        case verifiedShippable = "VerifiedShippable"
        /// Verified.
        case verified = "Verified"
        /// The suggestion differs a lot from the address sent: a user must confirm it.
        case interactionRequired = "InteractionRequired"
        /// The street is incomplete.
        case streetPartial = "StreetPartial"
        /// The building or suite is incomplete.
        case premisesPartial = "PremisesPartial"
        /// Several fields are partial.
        case multiple = "Multiple"
        /// The address is wrong (`None` on the wire; not `none`, which an optional would take for `nil`).
        case wrongAddress = "None"
        /// The address could not be validated.
        case notValidated = "NotValidated"

        /// How many suggested addresses come with the status: one for the verified ones and
        /// `InteractionRequired`, the documented "up to 3" for the partial ones, none otherwise.
        var suggestionCount: Int {
            switch self {
            case .verifiedShippable, .verified, .interactionRequired: 1
            case .streetPartial, .premisesPartial, .multiple: 3
            case .wrongAddress, .notValidated: 0
            }
        }
    }
}
