namespace Engram.Server.Sse
{
    /// <summary>The stream faults set when a streamed query began.</summary>
    /// <param name="MidStreamErrorMessage">The injected error frame's message; null when none is injected.</param>
    /// <param name="Truncate">Cut the stream without a final frame or [DONE].</param>
    /// <param name="Pause">Hold the stream after its first delta until released.</param>
    internal sealed record StreamFaults(string? MidStreamErrorMessage, bool Truncate, bool Pause)
    {
        public bool Any => MidStreamErrorMessage != null || Truncate || Pause;

        public static StreamFaults Take(ServerFaults faults) => new StreamFaults(
            faults.MidStreamError ? faults.MidStreamErrorMessage : null, faults.TruncateStream, faults.PauseStreamsAfterFirstDelta);
    }
}
