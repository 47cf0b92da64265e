print("boxofficed")
