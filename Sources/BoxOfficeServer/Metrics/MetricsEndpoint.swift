import NIOCore
import NIOHTTP1

/// `GET /metrics` over HTTP/1.1 on its own port, in Prometheus' text format. Anything else is 404;
/// a method other than GET or HEAD is 405.
final class MetricsHTTPHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let metrics: ServerMetrics

    init(metrics: ServerMetrics) {
        self.metrics = metrics
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(let request) = unwrapInboundIn(data) else { return }
        let status: HTTPResponseStatus
        let body: [UInt8]
        var contentType = "text/plain; charset=utf-8"
        switch (request.method, request.uri.split(separator: "?").first) {
        case (.GET, "/metrics"), (.HEAD, "/metrics"):
            status = .ok
            body = request.method == .HEAD ? [] : metrics.exposition()
            contentType = "text/plain; version=0.0.4; charset=utf-8"
        case (_, "/metrics"):
            status = .methodNotAllowed
            body = Array("only GET /metrics\n".utf8)
        default:
            status = .notFound
            body = Array("not found: metrics are at /metrics\n".utf8)
        }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: "\(body.count)")
        headers.add(name: "Connection", value: request.isKeepAlive ? "keep-alive" : "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))), promise: nil)
        if !body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        }
        let keepAlive = request.isKeepAlive
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            if !keepAlive { channel.close(promise: nil) }
        }
    }
}
