using System;
using System.Globalization;
using Microsoft.Extensions.AI;

namespace Engram.Local.Embedding
{
    /// <summary>
    /// Which embedder made a database's vectors: <c>{ProviderName}/{DefaultModelId}/{DefaultModelDimensions}</c>
    /// from the generator's <see cref="EmbeddingGeneratorMetadata"/>, plus the dimensions actually produced.
    /// Two embedders with the same identity must produce comparable vectors.
    /// </summary>
    internal sealed class EmbedderIdentity : IEquatable<EmbedderIdentity>
    {
        public EmbedderIdentity(string? providerName, string? modelId, int? declaredDimensions, int dimensions)
        {
            ProviderName = string.IsNullOrWhiteSpace(providerName) ? "unknown" : providerName!;
            ModelId = string.IsNullOrWhiteSpace(modelId) ? "unknown" : modelId!;
            DeclaredDimensions = declaredDimensions;
            Dimensions = dimensions;
        }

        public string ProviderName { get; }

        public string ModelId { get; }

        public int? DeclaredDimensions { get; }

        /// <summary>The length of every vector it makes.</summary>
        public int Dimensions { get; }

        /// <summary>What the database records: provider/model/declared dimensions.</summary>
        public string Key => ProviderName + "/" + ModelId + "/" + (DeclaredDimensions ?? Dimensions).ToString(CultureInfo.InvariantCulture);

        public static EmbedderIdentity Of(IEmbeddingGenerator<string, Embedding<float>> generator, int dimensions)
        {
            var metadata = generator.GetService(typeof(EmbeddingGeneratorMetadata)) as EmbeddingGeneratorMetadata;
            return new EmbedderIdentity(metadata?.ProviderName, metadata?.DefaultModelId, metadata?.DefaultModelDimensions, dimensions);
        }

        public bool Equals(EmbedderIdentity? other) => other != null && other.Key == Key && other.Dimensions == Dimensions;

        public override bool Equals(object? obj) => Equals(obj as EmbedderIdentity);

        public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Key) ^ Dimensions;

        public override string ToString() => Key;
    }
}
