# comment
@classLabel false
@data
1.5,-2e3
3,4
