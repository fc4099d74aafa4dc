import Foundation
import HTTPTypes
import Hummingbird
import JSONDocument

extension Simulator {
    /// The routes Partner Center answers, and the `/_sandbox` ones tests use.
    static func buildRouter(state: SimulatorState) -> Router<BasicRequestContext> {
        let router = Router()
        let configuration = state.configuration
        if configuration.bom { router.add(middleware: ByteOrderMarkMiddleware()) }
        router.add(middleware: RequestIdMiddleware())
        router.add(middleware: FaultMiddleware(state: state))
        let rules = configuration.countryRules

        router.get("/v1/customers/:id/profiles/billing") { _, context in
            let id = context.parameters.get("id") ?? ""
            if let refusal = forbidden(id, state: state) { return refusal }
            guard let stored = await state.profile(id) else {
                return PartnerFD.error(.notFound, code: 60003, "Tenant not found", data: ["customerId: \(id)"])
            }
            await state.editAfterFirstRead(customerId: id)
            return PartnerFD.json(.object(served(stored.document, id: id, state: state)))
        }
        addCustomerRoutes(to: router, state: state)

        router.put("/v1/customers/:id/profiles/billing") { request, context in
            let id = context.parameters.get("id") ?? ""
            if let refusal = forbidden(id, state: state) { return refusal }
            guard let body = try? await request.body.collect(upTo: 1 << 20),
                let document = (try? JSONValue(parsing: Array(buffer: body)))?.objectValue
            else {
                return PartnerFD.error(
                    .badRequest, code: 800_002, "Invalid request input: the body is not a JSON object")
            }
            let ifMatch = request.headers[.ifMatch].map(unquoted)
            switch await state.put(customerId: id, document: document, ifMatch: ifMatch) {
            case .invalidAddress(let property, let reason, let detail):
                return PartnerFD.error(
                    .badRequest, code: 27002, "A property has invalid data.",
                    data: ["property_name:  \(property) - \(reason)", "details:  \(detail)"])
            case .notFound:
                return PartnerFD.error(.notFound, code: 60003, "Tenant not found", data: ["customerId: \(id)"])
            case .stale:
                return PartnerFD.staleETag(configuration.conflictStyle, customerId: id)
            case .countryChanged(let from, let to):
                return PartnerFD.error(
                    .badRequest, code: 27002, "A property has invalid data.",
                    data: ["property_name:  Country - CountryChangeNotAllowed", "details:  \(from) to \(to)"])
            case .stored(let stored):
                if await state.draw("write-drop \(id)") < configuration.faults.dropAfterWriteRate {
                    return PartnerFD.dropped()
                }
                return configuration.emptyPutAnswer ? Response(status: .ok) : PartnerFD.json(.object(stored))
            }
        }

        router.get("/v1/countryvalidationrules/:iso2") { _, context in
            let code = (context.parameters.get("iso2") ?? "").uppercased()
            guard let document = rules.document(for: code) else {
                return PartnerFD.error(
                    .badRequest, code: 400_020, "No validation rules were found for the country/region \(code)")
            }
            return PartnerFD.json(.object(document))
        }

        router.post("/v1/validations/address") { request, _ in
            let body = try await request.body.collect(upTo: 1 << 20)
            guard let object = (try? JSONValue(parsing: Array(buffer: body)))?.objectValue else {
                return PartnerFD.error(.badRequest, code: 800_002, "Invalid request input")
            }
            let answer = AddressValidation.answer(
                to: object, rules: rules, forcing: configuration.addressValidationStatus)
            return PartnerFD.json(.object(answer))
        }

        router.post("/:tenant/oauth2/token") { request, _ in
            try await token(request, state: state)
        }

        router.post("/_sandbox/tokens/expire") { _, _ in
            await state.expireTokens()
            return Response(status: .noContent)
        }

        router.get("/_sandbox/customers") { _, _ in
            PartnerFD.json(.array(await state.customerIds.map(JSONValue.string)))
        }

        router.get("/_sandbox/stats") { _, _ in
            PartnerFD.json(await state.stats.json)
        }

        router.post("/_sandbox/customers/:id/address") { request, context in
            let id = context.parameters.get("id") ?? ""
            let body = try await request.body.collect(upTo: 1 << 20)
            guard let fields = (try? JSONValue(parsing: Array(buffer: body)))?.objectValue else {
                return PartnerFD.error(.badRequest, code: 800_002, "expected a JSON object of address fields")
            }
            guard let stored = await state.edit(customerId: id, fields: fields) else {
                return PartnerFD.error(.notFound, code: 60003, "Tenant not found")
            }
            return PartnerFD.json(.object(stored))
        }
        return router
    }

    /// Partner Center's 403 / 20002 for a customer the partner may not manage, or `nil`.
    static func forbidden(_ id: String, state: SimulatorState) -> Response? {
        guard state.configuration.forbiddenCustomers.contains(id.lowercased()) else { return nil }
        return PartnerFD.error(.forbidden, code: 20002, "Partner has no commerce relationship with the customer")
    }

    private static func unquoted(_ value: String) -> String {
        var text = value.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("W/") { text = String(text.dropFirst(2)) }
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { text = String(text.dropFirst().dropLast()) }
        return text
    }

    private static func token(_ request: Request, state: SimulatorState) async throws -> Response {
        let sentForm = try await request.body.collect(upTo: 64 * 1024)
        var form: [String: String] = [:]
        for pair in String(buffer: sentForm).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            if parts.count == 2 { form[parts[0]] = parts[1] }
        }
        let configuration = state.configuration
        func refuse(_ error: String, _ description: String) -> Response {
            var body = JSONObject()
            body["error"] = .string(error)
            let echo = configuration.echoSecrets ? " Request body: \(String(buffer: sentForm))" : ""
            body["error_description"] = .string(description + echo)
            return PartnerFD.json(.object(body), status: .unauthorized)
        }
        guard form["client_secret"] == configuration.clientSecret else {
            return refuse("invalid_client", "AADSTS7000215: Invalid client secret provided.")
        }
        switch form["grant_type"] {
        case "client_credentials": break
        case "refresh_token":
            guard form["refresh_token"] == configuration.refreshToken else {
                return refuse("invalid_grant", "AADSTS70000: The refresh token is invalid or expired.")
            }
        default:
            return refuse("unsupported_grant_type", "AADSTS70003: The grant type is not supported.")
        }
        let (token, lifetime) = await state.issueToken(audience: form["resource"] ?? "")
        var answer = JSONObject()
        answer["token_type"] = .string("Bearer")
        answer["expires_in"] = .string("\(lifetime.components.seconds)")
        answer["resource"] = .string(form["resource"] ?? "")
        answer["access_token"] = .string(token)
        return PartnerFD.json(.object(answer))
    }
}
