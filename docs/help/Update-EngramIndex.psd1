@{
    Synopsis    = 'Re-embeds a local Engram database with another embedder.'
    Description = @'
Update-EngramIndex rebuilds the vector of every memory in a local database with the embedder you choose, so the database can then be opened with that embedder (Connect-Engram -Local -Embedder ...). It shows a progress bar. The new vectors are saved in batches beside the old ones and replace them at the end in one step: stopped with Ctrl+C or killed midway, the database still opens with its old embedder, and running the same command again resumes where it stopped. Close connections and servers that use the file first (Disconnect-Engram, Stop-EngramLocalServer).
'@
    Parameters  = @{
        Path      = 'The SQLite database file. Default: Lumetra/Engram/engram.db in your user data folder.'
        BatchSize = 'Memories embedded per call and saved per commit. Default 256.'
    }
    Examples    = @(
        @{
            Title   = 'Switch a database to the local model'
            Code    = 'Disconnect-Engram
Update-EngramIndex -Path ./agent.db -Embedder Local
Connect-Engram -Local -Path ./agent.db -Embedder Local'
            Remarks = 'Needs the companion module (Install-Module Lumetra.Engram.Embeddings). Afterwards questions find memories that use other words.'
        }
        @{
            Title   = 'Re-embed with an OpenAI-compatible endpoint'
            Code    = 'Update-EngramIndex -Path ./agent.db -Embedder OpenAI -EmbeddingModel nomic-embed-text -EmbeddingEndpoint http://localhost:11434/v1'
            Remarks = 'Uses a local Ollama server; no key is needed on loopback.'
        }
    )
    Outputs     = 'An IndexUpdateResult: the database, the embedder identities before and after, and how many memories were embedded.'
    Links       = @('Connect-Engram', 'Start-EngramLocalServer')
}
