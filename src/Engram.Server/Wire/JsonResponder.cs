using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace Engram.Server.Wire
{
    /// <summary>Sends a complete JSON response with its status and length.</summary>
    internal static class JsonResponder
    {
        public const string JsonContentType = "application/json; charset=utf-8";

        public static async Task SendAsync(HttpListenerResponse response, int status, byte[] body, CancellationToken cancellationToken)
        {
            response.StatusCode = status;
            response.ContentType = JsonContentType;
            response.ContentLength64 = body.Length;
            await response.OutputStream.WriteAsync(body, 0, body.Length, cancellationToken).ConfigureAwait(false);
            response.OutputStream.Close();
        }

        public static Task SendErrorAsync(HttpListenerResponse response, int status, string message, string? code, CancellationToken cancellationToken) =>
            SendAsync(response, status, ResponseShapes.Error(message, code), cancellationToken);
    }
}
