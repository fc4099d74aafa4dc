import HTTPTypes
import Hummingbird
import NIOCore

/// Puts the UTF-8 byte-order mark (EF BB BF) before every JSON body the Partner Center routes
/// answer, errors included; not before the `/_sandbox` routes' answers, nor a connection the
/// simulator drops on purpose.
struct ByteOrderMarkMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response = try await next(request, context)
        guard response.headers[.contentType]?.hasPrefix("application/json") == true,
            response.headers[.sandboxFault] == nil,
            !Route(method: request.method, path: request.uri.path).isControl
        else { return response }
        let body = response.body
        response.body = ResponseBody(contentLength: body.contentLength.map { $0 + 3 }) { writer in
            try await writer.write(ByteBuffer(bytes: [0xEF, 0xBB, 0xBF]))
            try await body.write(writer)
        }
        return response
    }
}
