using Tuf.Server;

var builder = WebApplication.CreateBuilder(args);
builder.AddTufServer();

var app = builder.Build();
app.MapTufServer();

return await app.RunTufServerAsync();

/// <summary>The server's entry point (public for WebApplicationFactory).</summary>
public partial class Program;
