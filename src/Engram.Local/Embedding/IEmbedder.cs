namespace Engram.Local
{
    /// <summary>Turns text into a vector for dedup and retrieval. Plug in a real model by implementing this.</summary>
    public interface IEmbedder
    {
        /// <summary>Length of every vector <see cref="Embed"/> returns. Fixed for the life of a database.</summary>
        int Dimensions { get; }

        /// <summary>Returns an L2-normalised vector of <see cref="Dimensions"/> floats. Must be deterministic.</summary>
        float[] Embed(string text);
    }
}
