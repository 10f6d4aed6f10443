global using NUnit.Framework;
global using Orleans;
global using Orleans.Runtime;
