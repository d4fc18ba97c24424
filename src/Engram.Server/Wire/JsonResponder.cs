using System.Threading;
using System.Threading.Tasks;
using Engram.Client;
using Engram.Server.Transport;

namespace Engram.Server.Wire
{
    /// <summary>Sends a complete JSON response with its status and length.</summary>
    internal static class JsonResponder
    {
        public const string JsonContentType = "application/json; charset=utf-8";

        public static Task SendAsync(IHttpResponse response, int status, byte[] body, CancellationToken cancellationToken) =>
            response.SendAsync(status, JsonContentType, body, cancellationToken);

        /// <summary>The error's status, and its message and code as <c>{"error","code"}</c>.</summary>
        public static Task SendErrorAsync(IHttpResponse response, EngramException error, CancellationToken cancellationToken) =>
            SendAsync(response, error.Status, ResponseShapes.Error(error.Message, error.Code), cancellationToken);
    }
}
