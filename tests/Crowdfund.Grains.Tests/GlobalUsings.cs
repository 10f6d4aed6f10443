global using NUnit.Framework;
global using Orleans;
