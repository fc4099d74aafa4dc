import Foundation
import HTTPTypes
import Hummingbird

/// Echoes the request's `MS-RequestId` and `MS-CorrelationId` on every answer, as Partner Center
/// does; a request without `MS-RequestId` gets one the simulator makes (a GUID). Errors thrown on
/// the way (an unknown route, a body too large) are answered here, so that they carry them too.
struct RequestIdMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[.requestId] = request.headers[.requestId] ?? UUID().uuidString.lowercased()
        if let correlationId = request.headers[.correlationId] { response.headers[.correlationId] = correlationId }
        return response
    }
}
