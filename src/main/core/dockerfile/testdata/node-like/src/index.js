console.log("hello from the fixture")
