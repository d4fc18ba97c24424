using Engram.Client;

namespace Engram.Server.Wire
{
    /// <summary>
    /// Protocol errors raised while reading a request. They are <see cref="EngramException"/>s, like the
    /// engine's own, so one mapping turns every refusal into <c>{"error","code"}</c> with its status.
    /// </summary>
    internal static class RequestErrors
    {
        public static EngramException Invalid(string message) =>
            new EngramException(message, 400, null, ErrorCodes.InvalidRequest);

        public static EngramException TooLarge(string message) =>
            new EngramException(message, 413, null, ErrorCodes.ContentTooLarge);
    }
}
