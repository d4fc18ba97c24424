using System.Threading;
using System.Threading.Tasks;
using Engram.Server.Transport;

namespace Engram.Server.Wire
{
    /// <summary>Sends a complete JSON response with its status and length.</summary>
    internal static class JsonResponder
    {
        public const string JsonContentType = "application/json; charset=utf-8";

        public static Task SendAsync(IHttpResponse response, int status, byte[] body, CancellationToken cancellationToken) =>
            response.SendAsync(status, JsonContentType, body, cancellationToken);

        public static Task SendErrorAsync(IHttpResponse response, int status, string message, string? code, CancellationToken cancellationToken) =>
            SendAsync(response, status, ResponseShapes.Error(message, code), cancellationToken);
    }
}
